/// <reference types="node" />
// A BatchNorm before several consumers, or before Linears on tokens through layout ops (Next-ViT's merge_pre_bn), in
// a graph model: core's pre-BN sinking over TF's channels-last tensors. The BatchNorm (FusedBatchNormV3, or the
// converter's Mul + AddV2) folds into every consumer, one group, and goes; a region that does not fold whole is
// refused with its reason and left as it is. Original and converted outputs within 1e-5 of max |output| (TF.js cpu).
import { describe, expect, it } from "vitest";
import { convertAndRun, opsOf } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { randomInput } from "./keras-models.js";

const TOLERANCE = 1e-5;
const I32 = { type: "DT_INT32" };
const LINEAR = new Set(["MatMul", "_FusedMatMul", "Conv2D", "_FusedConv2D"]);

const reshape = (g: GraphBuilder, name: string, x: string, shape: number[]) =>
  g.op(name, "Reshape", [x, g.constant(`${name}/shape`, [shape.length], Int32Array.from(shape))], { Tshape: I32 });
const matMul = (g: GraphBuilder, name: string, x: string, i: number, o: number) =>
  g.op(name, "MatMul", [x, g.constant(`${name}/kernel`, [i, o])], {
    transpose_a: { b: false },
    transpose_b: { b: false },
  });
const concat = (g: GraphBuilder, name: string, xs: string[], axis: number) =>
  g.op(name, "ConcatV2", [...xs, g.constant(`${name}/axis`, [], Int32Array.from([axis]))], {
    N: { i: String(xs.length) },
    Tidx: I32,
  });
/** Mul nodes of the converter's Mul + AddV2 BatchNorms, and FusedBatchNormV3 nodes. */
const batchNorms = (ops: readonly string[], names: readonly string[]) =>
  ops.filter((o, i) => o === "FusedBatchNormV3" || (o === "Mul" && names[i]!.endsWith("/mul_1"))).length;
const names = (json: { modelTopology?: unknown }) =>
  ((json.modelTopology as { node: { name: string }[] }).node ?? []).map((n) => n.name);

/**
 * x [4, 4, 8] -> norm1 (Mul + AddV2) -> tokens [1, 16, 8]: q = tokens -> [16, 8] -> MatMul; k, v =
 * tokens -> ExpandDims -> AvgPool 1x2 -> Squeeze -> norm (Mul + AddV2) -> [8, 8] -> MatMul each; q, k, v concatenated.
 * `mix`: q reads [32, 4] instead (a Reshape that splits the channels), so norm1 does not fold.
 */
function tokens(mix = false) {
  const g = new GraphBuilder(41);
  const x = g.placeholder("input", [4, 4, 8]);
  const t = reshape(g, "to_tokens", g.mulAdd("norm1/batchnorm", x, 8), [1, 16, 8]);
  const q = matMul(g, "q", reshape(g, "q_flat", t, mix ? [-1, 4] : [-1, 8]), mix ? 4 : 8, 6);
  const e = g.op("sr/ExpandDims", "ExpandDims", [t, g.constant("sr/dim", [], Int32Array.from([1]))], { Tdim: I32 });
  const pooled = g.op("sr/AvgPool", "AvgPool", [e], {
    ksize: { list: { i: ["1", "1", "2", "1"] } },
    strides: { list: { i: ["1", "1", "2", "1"] } },
    padding: { s: Buffer.from("VALID").toString("base64") },
    data_format: { s: Buffer.from("NHWC").toString("base64") },
  });
  const s = g.op("sr/Squeeze", "Squeeze", [pooled], { squeeze_dims: { list: { i: ["1"] } } });
  const n = g.mulAdd("norm/batchnorm", s, 8);
  const k = matMul(g, "k", reshape(g, "k_flat", n, [-1, 8]), 8, 6);
  const v = matMul(g, "v", reshape(g, "v_flat", n, [-1, 8]), 8, 6);
  return g.build(x, concat(g, "qkv", [q, k, v], 0));
}

/** x [6, 6, 4] -> FusedBatchNormV3 -> a 1x1 conv and a `k` x `k` conv (`padding`), their ReLUs added. */
function twoConvs(k: number, padding: "SAME" | "VALID") {
  const g = new GraphBuilder(42);
  const x = g.placeholder("input", [6, 6, 4]);
  const bn = g.batchNorm("bn", x, 4);
  const a = g.conv("a", bn, [1, 1, 4, 5], { op: "_FusedConv2D", fusedOps: ["BiasAdd"], padding: "VALID" });
  const b = g.conv("b", bn, [k, k, 4, 5], { op: "_FusedConv2D", fusedOps: ["BiasAdd"], padding });
  return g.build(x, g.op("sum", "AddV2", [g.op("a/Relu", "Relu", [a]), g.op("b/Relu", "Relu", [b])]));
}

describe("tfjsAdapter on a BatchNorm before several Linears or convs (graph models)", () => {
  const run = (source: ReturnType<typeof tokens>, shape: number[], seed: number) =>
    convertAndRun(source, randomInput(shape, seed), shape);

  it("folds a Mul + AddV2 BatchNorm through Reshape, ExpandDims, AvgPool, Squeeze and a second one into q, k, v", async () => {
    const source = tokens();
    const res = await run(source, [1, 4, 4, 8], 1);
    const ops = opsOf(res.json);
    expect(res.report.refused).toEqual([]);
    // q, k, v each absorb norm1 (k and v through norm too): one group.
    expect(res.report.fused).toHaveLength(3);
    expect(batchNorms(ops, names(res.json))).toBe(0);
    expect(ops.filter((o) => LINEAR.has(o))).toHaveLength(3);
    expect(ops).toContain("AvgPool");
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("refuses a BatchNorm whose tokens are reshaped across the channels (PRE_BN_LAYOUT) and keeps it", async () => {
    const res = await run(tokens(true), [1, 4, 4, 8], 2);
    const ops = opsOf(res.json);
    expect(res.report.refused.map((r) => r.reason)).toContain("PRE_BN_LAYOUT");
    expect(names(res.json)).toContain("norm1/batchnorm/mul_1");
    // norm (before k and v only) still folds: its region does not pass the mixing Reshape.
    expect(names(res.json)).not.toContain("norm/batchnorm/mul_1");
    expect(res.report.fused).toHaveLength(2);
    expect(ops.filter((o) => LINEAR.has(o))).toHaveLength(3);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("folds a FusedBatchNormV3 into the two unpadded convs it feeds, one group, and removes it", async () => {
    const res = await run(twoConvs(1, "VALID"), [1, 6, 6, 4], 3);
    expect(res.report.refused).toEqual([]);
    expect(res.report.fused).toHaveLength(2);
    expect(opsOf(res.json)).not.toContain("FusedBatchNormV3");
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("refuses the group when one of its convs pads (PRE_BN_PADDED), keeping the BatchNorm and both convs", async () => {
    const res = await run(twoConvs(3, "SAME"), [1, 6, 6, 4], 4);
    expect(res.report.fused).toEqual([]);
    expect(res.report.refused.map((r) => r.reason)).toEqual(["PRE_BN_PADDED"]);
    expect(opsOf(res.json)).toContain("FusedBatchNormV3");
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });
});
