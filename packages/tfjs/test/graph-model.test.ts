/// <reference types="node" />
// Graph-model specifics: model.json fields kept, a block whose output is the
// model output keeps the signature valid, quantized untouched weights kept
// byte for byte, control edges rewired.
import { describe, expect, it } from "vitest";
import { decodeModelJson, decodeWeights } from "../src/index.js";
import type { GraphDefJson, TfjsWeight } from "../src/index.js";
import { convertAndRun } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { randomInput } from "./keras-models.js";
import { quantizeUint8, sameBytes } from "./quantize.js";
import { encodedSource } from "./run-model.js";

const fused = { op: "_FusedConv2D", fusedOps: ["BiasAdd"] };
const nodesOf = (json: { modelTopology: unknown }) => (json.modelTopology as GraphDefJson).node ?? [];

describe("graph models: fields, names and weights", () => {
  it("keeps signature, userDefinedMetadata and modelInitializer; a block that is the model output keeps its name", async () => {
    const g = new GraphBuilder(3);
    const x = g.placeholder("input", [5, 5, 4]);
    const out = g.op("b/add", "AddV2", [
      g.conv("b/dense", x, [3, 3, 4, 4], fused),
      g.conv("b/1x1", x, [1, 1, 4, 4], fused),
    ]);
    const extra = {
      userDefinedMetadata: { labels: ["a", "b"] },
      modelInitializer: { node: [{ name: "init/table", op: "NoOp" }], versions: { producer: 1395 } },
      initializerSignature: { outputs: {} },
    };
    const src = g.build(x, out, extra);
    const res = await convertAndRun(src, randomInput([1, 5, 5, 4], 1), [1, 5, 5, 4]);
    expect(res.report.fused).toHaveLength(1);
    expect(res.ratio).toBeLessThanOrEqual(1e-5);
    const { modelTopology: _a, weightsManifest: _b, ...before } = src.json;
    const { modelTopology: _c, weightsManifest: _d, ...after } = res.json;
    expect(after).toEqual(before);
    expect(Object.keys(res.json)).toEqual(Object.keys(src.json));
    const conv = nodesOf(res.json).find((n) => n.op === "_FusedConv2D")!;
    expect(conv.name).toBe("b/add");
    expect(conv.input).toEqual(["input", "b/add/kernel", "b/add/bias"]);
  });

  it("names the conv <block>/reparam_conv, rewires data and control edges, keeps uint8 weights of untouched nodes", async () => {
    const g = new GraphBuilder(4);
    const x = g.placeholder("input", [6, 6, 4]);
    const blk = g.op("blk/add", "AddV2", [
      g.conv("blk/dense", x, [3, 3, 4, 4], fused),
      g.conv("blk/1x1", x, [1, 1, 4, 4], fused),
    ]);
    const act = g.op("blk/Relu", "Relu", [blk]);
    const head = g.conv("head", act, [3, 3, 4, 2], { op: "_FusedConv2D", fusedOps: ["BiasAdd", "Relu"] });
    g.nodes.push({ name: "after", op: "Identity", input: [head, "^blk/add"], attr: { T: { type: "DT_FLOAT" } } });
    const src = g.build(x, "after");
    const model = decodeModelJson(src.modelJson);
    const weights: TfjsWeight[] = (await decodeWeights(model.weightsManifest ?? [], src.files)).map((w) =>
      w.name.startsWith("head/") ? quantizeUint8(w) : w,
    );
    const res = await convertAndRun(encodedSource(model, weights), randomInput([1, 6, 6, 4], 2), [1, 6, 6, 4]);
    expect(res.report.fused.map((f) => f.name)).toEqual(["blk"]);
    expect(res.ratio).toBeLessThanOrEqual(1e-5);
    const nodes = nodesOf(res.json);
    expect(nodes.find((n) => n.name === "blk/Relu")?.input).toEqual(["blk/reparam_conv"]);
    expect(nodes.find((n) => n.name === "after")?.input).toEqual(["head", "^blk/reparam_conv"]);
    const out = await decodeWeights(decodeModelJson(res.output.modelJson).weightsManifest ?? [], res.output.files);
    for (const w of weights.filter((x) => x.name.startsWith("head/"))) {
      const o = out.find((x) => x.name === w.name)!;
      expect(o.quantization).toEqual(w.quantization);
      expect(sameBytes(o.bytes, w.bytes)).toBe(true);
    }
    expect(out.map((w) => w.name)).toEqual([
      "blk/reparam_conv/kernel",
      "blk/reparam_conv/bias",
      "head/kernel",
      "head/bias",
    ]);
  });
});
