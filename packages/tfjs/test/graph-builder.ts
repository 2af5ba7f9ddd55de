/// <reference types="node" />
// Hand-writes small TF.js graph models (GraphDef JSON as tensorflowjs_converter
// emits it: base64 string attributes, int64 lists as strings, Const values in
// the weights manifest under the node's name) with deterministic weights.
import { seededRandom } from "@reparam/test-utils";
import { encodeWeights, memoryFiles } from "../src/index.js";
import type { AttrValueJson, EncodableWeight, NodeDefJson } from "../src/index.js";
import type { TfjsModelSource } from "./run-model.js";

const b64 = (text: string): string => Buffer.from(text, "latin1").toString("base64");
export const sAttr = (text: string): AttrValueJson => ({ s: b64(text) });
export const intsAttr = (v: readonly number[]): AttrValueJson => ({ list: { i: v.map(String) } });
const F32: AttrValueJson = { type: "DT_FLOAT" };

/** How a conv pads: TF's SAME / VALID, or explicit `[top, bottom, left, right]`. */
export type ConvPadding = "SAME" | "VALID" | readonly [number, number, number, number];

/** Builds a GraphDef node by node; every Const gets a weight. */
export class GraphBuilder {
  readonly nodes: NodeDefJson[] = [];
  readonly weights: EncodableWeight[] = [];
  private readonly rand: () => number;
  private inputShape: number[] = [];

  constructor(seed: number) {
    this.rand = seededRandom(seed);
  }

  /** The NHWC float input (`-1` batch). */
  placeholder(name: string, hwc: readonly number[]): string {
    this.inputShape = [-1, ...hwc];
    this.nodes.push({
      name,
      op: "Placeholder",
      attr: { dtype: F32, shape: { shape: { dim: this.inputShape.map((d) => ({ size: String(d) })) } } },
    });
    return name;
  }

  /** A Const with random float32 values in [lo, hi), or the given values. */
  constant(name: string, shape: readonly number[], values?: Float32Array | Int32Array, lo = -0.5, hi = 0.5): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = values ?? Float32Array.from({ length: n }, () => lo + (hi - lo) * this.rand());
    const dtype = v instanceof Int32Array ? "DT_INT32" : "DT_FLOAT";
    this.nodes.push({
      name,
      op: "Const",
      attr: {
        value: { tensor: { dtype, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } },
        dtype: { type: dtype },
      },
    });
    this.weights.push({ name, shape, values: v });
    return name;
  }

  op(name: string, op: string, input: string[], attr: Record<string, AttrValueJson> = {}): string {
    this.nodes.push({ name, op, input, attr: { T: F32, ...attr } });
    return name;
  }

  /**
   * A conv over `x` with kernel `[kh, kw, i, o]` (depthwise: `[kh, kw, C, M]`):
   * `Conv2D` / `DepthwiseConv2dNative`, or the fused ops with `fusedOps`
   * (a bias is added for BiasAdd).
   */
  conv(
    name: string,
    x: string,
    kernel: [number, number, number, number],
    o: { op?: string; stride?: number; padding?: ConvPadding; fusedOps?: string[]; kernelInput?: string } = {},
  ): string {
    const op = o.op ?? "Conv2D";
    const depthwise = op.includes("Depthwise");
    const k = o.kernelInput ?? this.constant(`${name}/kernel`, kernel);
    const inputs = [x, k];
    const fused = o.fusedOps ?? [];
    if (fused.includes("BiasAdd"))
      inputs.push(this.constant(`${name}/bias`, [depthwise ? kernel[2] * kernel[3] : kernel[3]]));
    const p = o.padding ?? "SAME";
    const s = o.stride ?? 1;
    const attr: Record<string, AttrValueJson> = {
      strides: intsAttr([1, s, s, 1]),
      padding: sAttr(typeof p === "string" ? p : "EXPLICIT"),
      data_format: sAttr("NHWC"),
      dilations: intsAttr([1, 1, 1, 1]),
      explicit_paddings: typeof p === "string" ? { list: {} } : intsAttr([0, 0, p[0], p[1], p[2], p[3], 0, 0]),
    };
    if (op.startsWith("_") || op.startsWith("Fused"))
      Object.assign(attr, {
        fused_ops: { list: { s: fused.map(b64) } },
        num_args: { i: String(fused.length === 0 ? 0 : 1) },
        epsilon: { f: 0 },
      });
    return this.op(name, op, inputs, attr);
  }

  /** FusedBatchNormV3 (inference) with fixture-like random statistics. */
  batchNorm(name: string, x: string, c: number, eps = 1e-3): string {
    const g = this.constant(`${name}/gamma`, [c], undefined, 0.5, 1.5);
    const b = this.constant(`${name}/beta`, [c]);
    const m = this.constant(`${name}/mean`, [c], undefined, -0.2, 0.2);
    const v = this.constant(`${name}/variance`, [c], undefined, 0.5, 2);
    return this.op(name, "FusedBatchNormV3", [x, g, b, m, v], {
      U: F32,
      epsilon: { f: eps },
      data_format: sAttr("NHWC"),
      is_training: { b: false },
    });
  }

  /** A BN the converter folded into `Mul` + `AddV2` with per-channel constants. */
  mulAdd(name: string, x: string, c: number): string {
    const mul = this.op(`${name}/mul_1`, "Mul", [x, this.constant(`${name}/mul`, [c], undefined, 0.5, 1.5)]);
    return this.op(`${name}/add_1`, "AddV2", [mul, this.constant(`${name}/sub`, [c])]);
  }

  /** NHWC zero `Pad` of [[top, bottom], [left, right]]. */
  pad(name: string, x: string, [[t, b], [l, r]]: [[number, number], [number, number]]): string {
    return this.op(
      name,
      "Pad",
      [x, this.constant(`${name}/paddings`, [4, 2], Int32Array.from([0, 0, t, b, l, r, 0, 0]))],
      { Tpaddings: { type: "DT_INT32" } },
    );
  }

  /** The model's files; `output` is the signature's output node. */
  build(
    input: string,
    output: string,
    extra: Record<string, unknown> = {},
  ): TfjsModelSource & { json: Record<string, unknown> } {
    const { manifest, shards } = encodeWeights(this.weights);
    const shape = { dim: this.inputShape.map((d) => ({ size: String(d) })) };
    const json = {
      format: "graph-model",
      generatedBy: "test",
      convertedBy: "graph-builder.ts",
      signature: {
        inputs: { [`${input}:0`]: { name: `${input}:0`, dtype: "DT_FLOAT", tensorShape: shape } },
        outputs: { [`${output}:0`]: { name: `${output}:0`, dtype: "DT_FLOAT" } },
      },
      modelTopology: { node: this.nodes, library: {}, versions: { producer: 1395 } },
      weightsManifest: manifest,
      ...extra,
    };
    return { json, modelJson: new TextEncoder().encode(JSON.stringify(json)), files: memoryFiles(shards) };
  }
}
