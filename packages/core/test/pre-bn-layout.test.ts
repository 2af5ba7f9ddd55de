import { maxAbs, maxAbsDiff, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  decide,
  fuseTo,
  fuseWithPlan,
  graphView,
  matchBlocks,
  planBlock,
  type GraphBlockMatch,
  type GraphNodeView,
  type NeutralOp,
} from "../src/index.js";
import { randomInput } from "./block-fixtures.js";
import { evaluateFused } from "./evaluate-block.js";
import { evaluateGraph } from "./graph-evaluate.js";
import { node, nodeMakers, other } from "./graph-nodes.js";
import { evaluateRegion, type TensorN } from "./layout-evaluate.js";

type LayoutOp = Extract<NeutralOp, { kind: "layout" }>["layout"];
type Pool = Extract<LayoutOp, { op: "avgpool" }>;

const r = seededRandom(23);
const { constOf, bn, conv } = nodeMakers(r);
const C = 4;
const O = 5;
const layout = (id: string, l: LayoutOp, input: string): GraphNodeView =>
  node(id, { kind: "layout", layout: l }, [input]);
/** A Linear on tokens (MatMul by W [C, O]) and its bias Add: `name`/MatMul, `name`/Add. */
const linear = (name: string, input: string): GraphNodeView[] => [
  layout(`${name}/MatMul`, { op: "matmul", kernel: constOf(randomFloat32(r, O * C), [O, C, 1, 1]), rank: 3 }, input),
  layout(`${name}/Add`, { op: "bias", shift: constOf(randomFloat32(r, O), [O]) }, `${name}/MatMul`),
];
const input = (shape: number[]): TensorN => ({
  data: Float64Array.from(
    randomFloat32(
      r,
      shape.reduce((a, d) => a * d, 1),
    ),
  ),
  shape,
});
const pool = (extra: Partial<Pool> = {}): LayoutOp => ({
  op: "avgpool",
  kernel: [4],
  pads: [0, 0],
  countIncludePad: true,
  ceil: false,
  ...extra,
});

/** Next-ViT's E_MHSA inputs on a 4x4 image: norm1 -> tokens -> q; norm1 -> AvgPool1d(4) -> e_mhsa.norm -> tokens -> k, v. */
function nextVit(sr: LayoutOp = pool(), pads = [0, 0, 0, 0, 0, 0]): GraphNodeView[] {
  return [
    node("b/norm1", bn(C), ["x"]),
    layout("b/reshape", { op: "reshape", from: [1, C, 4, 4], to: [1, C, 16] }, "b/norm1"),
    layout("b/transpose", { op: "transpose", perm: [0, 2, 1] }, "b/reshape"),
    ...linear("b/q", "b/transpose"),
    layout("b/sr/pad", { op: "pad", pads }, "b/reshape"),
    layout("b/sr/pool", sr, "b/sr/pad"),
    node("b/norm", bn(C), ["b/sr/pool"]),
    layout("b/transpose_1", { op: "transpose", perm: [0, 2, 1] }, "b/norm"),
    ...linear("b/k", "b/transpose_1"),
    ...linear("b/v", "b/transpose_1"),
  ];
}
const OUTPUTS = ["b/q/Add", "b/k/Add", "b/v/Add"];

/** Fuses every match in float64 and checks each output against the graph run as it is: within 1e-13 relative. */
async function expectFusedEqualsGraph(nodes: readonly GraphNodeView[], matches: readonly GraphBlockMatch[]) {
  const fused = await Promise.all(
    matches.map(async (match) => {
      const plan = planBlock(match.candidate.layout);
      if (!plan.ok) throw new Error(plan.refusal.message);
      return { match, conv: fuseWithPlan(await match.candidate.load(), plan.plan) };
    }),
  );
  const x = input([1, C, 4, 4]);
  for (const m of matches) {
    const want = await evaluateRegion(nodes, "x", x, m.output);
    const got = await evaluateRegion(nodes, "x", x, m.output, fused);
    expect(got.shape).toEqual(want.shape);
    expect(maxAbsDiff(got.data, want.data)).toBeLessThan(1e-13 * maxAbs(want.data));
  }
}

describe("matchBlocks with pre-BN sinking (BatchNorm before Linear layers through layout ops)", () => {
  it("folds Next-ViT's norm1 into q, k, v and e_mhsa.norm into k, v: one group, both BatchNorms bypassed", async () => {
    const nodes = nextVit();
    const { matches, refused } = await matchBlocks(graphView(nodes, OUTPUTS), { bypass: true });
    expect(refused).toEqual([]);
    expect(matches.map((m) => m.output).sort()).toEqual([...OUTPUTS].sort());
    for (const m of matches) {
      expect(m.candidate.family).toBe("bn-conv");
      expect(m.candidate.group).toBe("b/norm1");
      expect(m.bypass?.map((n) => n.id)).toEqual(["b/norm1", "b/norm"]);
      expect(m.nodes.map((n) => n.id)).toEqual([m.output.replace("/Add", "/MatMul"), m.output]);
    }
    await expectFusedEqualsGraph(nodes, matches);
  });

  it("composes both BatchNorms of k in float64 and rounds the fused weights once", async () => {
    const { matches } = await matchBlocks(graphView(nextVit(), OUTPUTS), { bypass: true });
    const k = matches.find((m) => m.output === "b/k/Add")!;
    const plan = planBlock(k.candidate.layout);
    if (!plan.ok) throw new Error(plan.refusal.message);
    const block = await k.candidate.load();
    const f64 = fuseWithPlan(block, plan.plan);
    const f32 = fuseTo(block, plan.plan, { dtype: "f32" });
    expect(Array.from(f32.kernel)).toEqual(Array.from(f64.kernel.data, Math.fround));
    expect(Array.from(f32.bias)).toEqual(Array.from(f64.bias, Math.fround));
  });

  it("leaves a matched group off the graph without bypass (a writer that cannot remove BatchNorms)", async () => {
    const { matches, refused } = await matchBlocks(graphView(nextVit(), OUTPUTS));
    expect(matches).toEqual([]);
    expect(refused).toEqual([]);
  });

  it("folds through an average pool that pads but divides by the real positions only (count_include_pad 0)", async () => {
    const nodes = nextVit(pool({ kernel: [3], pads: [1, 1], countIncludePad: false }));
    // A 3-wide pool (stride 3 in the reference) over 16 tokens with one pad each side: 6 windows.
    const { matches, refused } = await matchBlocks(graphView(nodes, OUTPUTS), { bypass: true });
    expect(refused).toEqual([]);
    expect(matches).toHaveLength(3);
    await expectFusedEqualsGraph(nodes, matches);
  });

  it.each([
    ["an average pool that counts its padding", nextVit(pool({ pads: [1, 1] }))],
    ["an average pool in ceil mode", nextVit(pool({ ceil: true }))],
    ["a Pad that pads", nextVit(pool(), [0, 0, 0, 0, 0, 2])],
  ])("refuses the region across %s (PRE_BN_PADDED) and keeps both BatchNorms", async (_, nodes) => {
    const { matches, refused } = await matchBlocks(graphView(nodes, OUTPUTS), { bypass: true });
    expect(refused.map((f) => [f.block, f.reason])).toEqual([["b/norm1", "PRE_BN_PADDED"]]);
    // e_mhsa.norm alone still folds into k and v.
    expect(matches.map((m) => [m.output, m.bypass?.map((n) => n.id)])).toEqual([
      ["b/k/Add", ["b/norm"]],
      ["b/v/Add", ["b/norm"]],
    ]);
  });

  it("refuses a Reshape that puts the channels' values on the contracted axis without keeping them (PRE_BN_LAYOUT)", async () => {
    // [1, C, 2, 3] read as [1, 6, C]: the last axis holds C values, but not one channel each (a transpose is needed).
    const nodes = [
      node("b/norm1", bn(C), ["x"]),
      layout("b/reshape", { op: "reshape", from: [1, C, 2, 3], to: [1, 6, C] }, "b/norm1"),
      ...linear("b/q", "b/reshape"),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["b/q/Add"]), { bypass: true });
    expect(matches).toEqual([]);
    expect(refused.map((f) => f.reason)).toEqual(["PRE_BN_LAYOUT"]);
    expect(refused[0]!.message).toContain("not shown to keep");
  });

  it("refuses a Linear that contracts another axis than the channels' (PRE_BN_LAYOUT)", async () => {
    const nodes = [
      node("b/norm1", bn(C), ["x"]),
      layout("b/reshape", { op: "reshape", from: [1, C, 2, 2], to: [1, C, C] }, "b/norm1"),
      ...linear("b/q", "b/reshape"),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["b/q/Add"]), { bypass: true });
    expect(matches).toEqual([]);
    expect(refused.map((f) => [f.reason, f.message])).toEqual([
      ["PRE_BN_LAYOUT", "'b/q/MatMul' contracts the last axis (2), the channels are on axis 1"],
    ]);
  });

  it("follows the channels through a Reshape whose batch is unknown, from the dims after them", async () => {
    const nodes = [
      node("b/norm1", bn(C), ["x"]),
      layout("b/reshape", { op: "reshape", from: [undefined, C, 4, 4], to: [undefined, C, 16] }, "b/norm1"),
      layout("b/transpose", { op: "transpose", perm: [0, 2, 1] }, "b/reshape"),
      ...linear("b/q", "b/transpose"),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["b/q/Add"]), { bypass: true });
    expect(refused).toEqual([]);
    expect(matches).toHaveLength(1);
    await expectFusedEqualsGraph(nodes, matches);
  });

  it("keeps the BatchNorm when one of its readers does not absorb it (SHARED_INTERMEDIATE)", async () => {
    const nodes = [...nextVit(), other("b/act", ["b/reshape"])];
    const { matches, refused } = await matchBlocks(graphView(nodes, [...OUTPUTS, "b/act"]), { bypass: true });
    expect(refused.map((f) => [f.block, f.reason])).toEqual([["b/norm1", "SHARED_INTERMEDIATE"]]);
    expect(refused[0]!.message).toContain("'b/act'");
    expect(matches.every((m) => m.bypass?.every((n) => n.id === "b/norm"))).toBe(true);
  });
});

describe("matchBlocks with a BatchNorm read by several convs", () => {
  it("folds it into two unpadded 1x1 convs (one with a BN after it), each read from the BatchNorm's input", async () => {
    const nodes = [
      node("n/bn", bn(C), ["x"]),
      node("n/a", conv(O, C, 1, 0), ["n/bn"]),
      node("n/b", conv(O, C, 1, 0, { stride: [2, 2] }), ["n/bn"]),
      node("n/b/bn", bn(O), ["n/b"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["n/a", "n/b/bn"]), { bypass: true });
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.output, m.candidate.group, m.bypass?.map((n) => n.id)])).toEqual([
      ["n/a", "n/bn", ["n/bn"]],
      ["n/b/bn", "n/bn", ["n/bn"]],
    ]);
    const x = randomInput(r, 1, C, 6, 5);
    for (const m of matches) {
      const plan = planBlock(m.candidate.layout);
      if (!plan.ok) throw new Error(plan.refusal.message);
      // The writer has the fused conv read the BatchNorm's input (the BatchNorm goes).
      const got = evaluateFused(fuseWithPlan(await m.candidate.load(), plan.plan), x);
      const want = await evaluateGraph(nodes, { x }, m.output);
      expect(got.shape).toEqual(want.shape);
      expect(maxAbsDiff(got.data, want.data)).toBeLessThan(1e-13 * maxAbs(want.data));
    }
  });

  it("refuses it when one of the convs pads (PRE_BN_PADDED) and folds into none", async () => {
    const nodes = [
      node("n/bn", bn(C), ["x"]),
      node("n/a", conv(O, C, 1, 0), ["n/bn"]),
      node("n/b", conv(O, C, 3, 1), ["n/bn"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["n/a", "n/b"]), { bypass: true });
    expect(matches).toEqual([]);
    expect(refused.map((f) => [f.block, f.reason])).toEqual([["n/bn", "PRE_BN_PADDED"]]);
  });
});

describe("decide on a group of pre-BN blocks", () => {
  it("skips every block of the group when one is excluded, saying which", async () => {
    const { matches } = await matchBlocks(graphView(nextVit(), OUTPUTS), { bypass: true });
    const candidates = matches.map((m) => m.candidate);
    expect(decide(candidates, {}).map((d) => d.kind)).toEqual(["fuse", "fuse", "fuse"]);
    const decisions = decide(candidates, { exclude: ["b/k/Add"] });
    expect(decisions.map((d) => d.kind)).toEqual(["skip", "skip", "skip"]);
    const why = decisions.flatMap((d) => (d.kind === "skip" ? [d.why] : []));
    expect(why.filter((w) => w.startsWith("excluded by"))).toHaveLength(1);
    expect(why.filter((w) => w.includes("'b/k/Add' is skipped"))).toHaveLength(2);
  });
});
