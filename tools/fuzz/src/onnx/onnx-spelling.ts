import { collectSink } from "@reparam/core";
import { TensorProto_DataType, encodeModel, externalizeTensors } from "@reparam/onnx";
import type { BlockSpec } from "../block-spec.js";
import { UNIT } from "../bound.js";
import { hasFusion } from "../has-fusion.js";
import { Rng } from "../rng.js";
import type { Spelling } from "../spelling.js";
import { onnxBlockModel } from "./onnx-block-model.js";
import { onnxFusedCheck } from "./onnx-fused-check.js";
import { type OnnxStyle, onnxStyleFor } from "./onnx-style.js";
import { runOnnx } from "./run-onnx.js";
import { storedOnnxSpec } from "./stored-onnx-spec.js";

/** What an ONNX spelling is: a name, the style fields it fixes, and what else it cannot write. */
export interface OnnxSpellingDef {
  readonly name: string;
  readonly style: Partial<OnnxStyle>;
  /** Extra acceptance rule (true, or why not). */
  readonly accepts?: (spec: BlockSpec, style: OnnxStyle) => true | string;
  readonly knownIssue?: string;
}

/**
 * An ONNX spelling: the block written by `onnxBlockModel` in the style
 * (fixed fields from `def`, the others drawn from the seed), external data
 * in `model.onnx.data` when the style says so; run on onnxruntime-node.
 */
export function onnxSpelling(def: OnnxSpellingDef): Spelling {
  const style = (spec: BlockSpec) => onnxStyleFor(def.style, spec.seed);
  return {
    format: "onnx",
    name: def.name,
    ...(def.knownIssue === undefined ? {} : { knownIssue: def.knownIssue }),
    accepts(spec) {
      const s = style(spec);
      if (!hasFusion(storedOnnxSpec(spec, s))) return "nothing left to fuse once the exporter folds conv+BN";
      return def.accepts === undefined ? true : def.accepts(spec, s);
    },
    async write(spec) {
      const s = style(spec);
      const stored = storedOnnxSpec(spec, s);
      const proto = onnxBlockModel(stored, s);
      const files = new Map<string, Uint8Array>();
      if (s.constants === "external") {
        const rng = new Rng(spec.seed * 3 + 1);
        const sink = collectSink();
        // Float weights only: onnxruntime's shape inference cannot read Pad's int64 pads from external data.
        const graph = proto.graph!;
        const ints = graph.initializer.filter((t) => t.dataType === TensorProto_DataType.INT64);
        graph.initializer = graph.initializer.filter((t) => !ints.includes(t));
        await externalizeTensors(
          proto,
          { location: "model.onnx.data", threshold: rng.pick([0, 16, 64]), alignment: rng.pick([1, 64, 4096]) },
          sink,
        );
        graph.initializer.push(...ints);
        files.set("model.onnx.data", sink.bytes());
      }
      files.set("model.onnx", encodeModel(proto));
      return { main: "model.onnx", files, stored, unit: s.dtype === "float16" ? UNIT.float16 : UNIT.float32 };
    },
    run: (model, _stored, x) => runOnnx(model, x),
    checkFused: (converted, stored) => onnxFusedCheck(converted, stored),
  };
}
