import { maxAbs, maxAbsDiff, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fuseBlock, graphView, matchBlocks, planBlock, type GraphNodeView, type NeutralOp } from "../src/index.js";
import { randomInput } from "./block-fixtures.js";
import { evaluateBlock, evaluateFused } from "./evaluate-block.js";
import { node, nodeMakers } from "./graph-nodes.js";

const r = seededRandom(7);
const { constOf, bn: bnOp, conv } = nodeMakers(r);

/** x -> [conv3 -> bn, conv1 -> bn, bn] -> add -> add -> relu */
function repvggNodes(prefix: string, x: string, c: number): GraphNodeView[] {
  return [
    node(`${prefix}/rbr_dense/conv`, conv(c, c, 3, 1), [x]),
    node(`${prefix}/rbr_dense/bn`, bnOp(c), [`${prefix}/rbr_dense/conv`]),
    node(`${prefix}/rbr_1x1/conv`, conv(c, c, 1, 0), [x]),
    node(`${prefix}/rbr_1x1/bn`, bnOp(c), [`${prefix}/rbr_1x1/conv`]),
    node(`${prefix}/rbr_identity`, bnOp(c), [x]),
    node(`${prefix}/add`, { kind: "add" }, [`${prefix}/rbr_dense/bn`, `${prefix}/rbr_1x1/bn`]),
    node(`${prefix}/add_1`, { kind: "add" }, [`${prefix}/add`, `${prefix}/rbr_identity`]),
    node(`${prefix}/relu`, { kind: "other" }, [`${prefix}/add_1`]),
  ];
}

describe("matchBlocks on a neutral graph view", () => {
  it("finds a RepVGG block through an Add tree, names it, and its fusion equals the branches", async () => {
    const nodes = repvggNodes("/stage1/stage1.0", "x", 4);
    const { matches, refused } = await matchBlocks(graphView(nodes, ["/stage1/stage1.0/relu"], () => [6, 5]));
    for (const m of matches) expect(m.candidate.plan).toEqual(planBlock(m.candidate.layout)); // planned once, while matching
    expect(refused).toEqual([]);
    expect(matches).toHaveLength(1);
    const m = matches[0]!;
    expect(m.candidate.name).toBe("/stage1/stage1.0");
    expect(m.candidate.family).toBe("repvgg");
    expect(m.input).toBe("x");
    expect(m.output).toBe("/stage1/stage1.0/add_1");
    expect(m.nodes).toHaveLength(7);
    expect(m.candidate.layout.branches.map((b) => b.kind)).toEqual(["conv", "conv", "identity"]);
    const block = await m.candidate.load();
    const res = fuseBlock(block);
    if (!res.ok) throw new Error(res.refusal.message);
    const x = randomInput(r, 1, 4, 6, 5);
    const want = evaluateBlock(block, x);
    expect(maxAbsDiff(evaluateFused(res.conv, x).data, want.data)).toBeLessThan(1e-12 * maxAbs(want.data));
  });

  it("refuses a block whose branch output is also a model output or used elsewhere", async () => {
    const nodes = repvggNodes("/b", "x", 2);
    const out = await matchBlocks(graphView(nodes, ["/b/relu", "/b/rbr_1x1/conv"]));
    expect(out.matches.filter((m) => m.candidate.family === "repvgg")).toHaveLength(0);
    expect(out.refused[0]?.reason).toBe("SHARED_INTERMEDIATE");
    const extra = node("/tap", { kind: "other" }, ["/b/rbr_dense/bn"]);
    const out2 = await matchBlocks(graphView([...nodes, extra], ["/b/relu", "/tap"]));
    expect(out2.refused[0]?.reason).toBe("SHARED_INTERMEDIATE");
    expect(out2.refused[0]?.message).toContain("/tap");
  });

  it("ignores a residual add over a non-linear path and folds the lone conv + BN", async () => {
    const nodes = [
      node("c", conv(2, 2, 3, 1), ["x"]),
      node("bn", bnOp(2), ["c"]),
      node("relu", { kind: "other" }, ["bn"]),
      node("add", { kind: "add" }, ["relu", "x"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["add"]));
    expect(matches).toHaveLength(1);
    expect(matches[0]!.candidate.family).toBe("conv-bn");
    expect(matches[0]!.output).toBe("bn");
  });

  it("reads identity as Mul + Add constants, conv bias, explicit Pad, and a post-sum BN (QARepVGG)", async () => {
    const c = 3;
    const nodes = [
      node("pad", { kind: "pad", pads: [1, 1, 1, 1] }, ["x"]),
      node("c3", conv(c, c, 3, 0, { bias: constOf(randomFloat32(r, c), [c]) }), ["pad"]),
      node("c1", conv(c, c, 1, 0), ["x"]),
      node("mul", { kind: "affine", scale: constOf(randomFloat32(r, c), [c]) }, ["x"]),
      node("addc", { kind: "affine", shift: constOf(randomFloat32(r, c), [c]) }, ["mul"]),
      node("sum", { kind: "add" }, ["c3", "c1", "addc"]),
      node("post", bnOp(c), ["sum"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["post"]));
    expect(matches).toHaveLength(1);
    const m = matches[0]!;
    expect(m.candidate.family).toBe("qarepvgg");
    expect(m.output).toBe("post");
    const b0 = m.candidate.layout.branches[0]!;
    expect(b0.kind === "conv" && b0.pads).toEqual([1, 1, 1, 1]);
    const block = await m.candidate.load();
    const res = fuseBlock(block);
    expect(res.ok).toBe(true);
  });

  it("refuses SAME padding when the input size is unknown, resolves it when known", async () => {
    const nodes = [
      node("a", conv(2, 2, 3, 0, { stride: [2, 2], padding: { kind: "same-upper" } }), ["x"]),
      node("b", conv(2, 2, 1, 0, { stride: [2, 2] }), ["x"]),
      node("s", { kind: "add" }, ["a", "b"]),
    ];
    const unknown = await matchBlocks(graphView(nodes, ["s"]));
    expect(unknown.refused[0]?.reason).toBe("PADS_UNKNOWN");
    const known = await matchBlocks(graphView(nodes, ["s"], () => [8, 8]));
    const a = known.matches[0]!.candidate.layout.branches[0]!;
    expect(a.kind === "conv" && a.pads).toEqual([0, 0, 1, 1]);
  });

  it("ties a block to its input size only when its branches line up at that size alone", async () => {
    const block = (padding: Extract<NeutralOp, { kind: "conv" }>["padding"]) => [
      node("a", conv(2, 2, 3, 1, { stride: [2, 2], padding }), ["x"]),
      node("b", conv(2, 2, 1, 0, { stride: [2, 2] }), ["x"]),
      node("s", { kind: "add" }, ["a", "b"]),
    ];
    const plainPads = (
      await matchBlocks(graphView(block({ kind: "explicit", pads: [1, 1, 1, 1] }), ["s"], () => [32, 32]))
    ).matches[0]!.candidate.layout;
    expect(plainPads.inputSize).toBeUndefined();
    const p1 = planBlock(plainPads);
    expect(p1.ok && p1.plan.pads).toEqual([1, 1, 1, 1]); // as the family's own deploy conv, not [1, 1, 0, 0]
    const same = (await matchBlocks(graphView(block({ kind: "same-upper" }), ["s"], () => [8, 8]))).matches[0]!
      .candidate.layout;
    expect(same.inputSize).toEqual([8, 8]);
    const p2 = planBlock(same);
    expect(p2.ok && p2.plan.pads).toEqual([0, 0, 1, 1]);
  });

  it("reads DBB's 1x1 -> BN -> kxk branch as sequential", async () => {
    const nodes = [
      node("k", conv(2, 2, 3, 1), ["x"]),
      node("kbn", bnOp(2), ["k"]),
      node("one", conv(2, 2, 1, 0), ["x"]),
      node("onebn", bnOp(2), ["one"]),
      node("two", conv(2, 2, 3, 0), ["onebn"]),
      node("twobn", bnOp(2), ["two"]),
      node("s", { kind: "add" }, ["kbn", "twobn"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["s"]));
    expect(matches[0]!.candidate.layout.branches.map((b) => b.kind)).toEqual(["conv", "sequential"]);
    expect(matches[0]!.candidate.family).toBe("dbb");
  });
});

describe("matchBlocks edge cases", () => {
  it("resolves SAME at stride 1 without the input size", async () => {
    const nodes = [
      node("a", conv(2, 2, 3, 0, { padding: { kind: "same-upper" } }), ["x"]),
      node("b", conv(2, 2, 1, 0, { padding: { kind: "same-upper" } }), ["x"]),
      node("s", { kind: "add" }, ["a", "b"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["s"]));
    expect(refused).toEqual([]);
    const a = matches[0]!.candidate.layout.branches[0]!;
    expect(a.kind === "conv" && a.pads).toEqual([1, 1, 1, 1]);
  });

  it("takes x + BN(x) as a block only on a tensor with a known spatial size", async () => {
    const nodes = [node("bn", bnOp(3), ["x"]), node("s", { kind: "add" }, ["x", "bn"])];
    expect((await matchBlocks(graphView(nodes, ["s"]))).matches).toHaveLength(0);
    expect((await matchBlocks(graphView(nodes, ["s"], () => [4, 4]))).matches).toHaveLength(1);
  });

  it("reports a block refused for unknown pads once, not again per conv + BN pair", async () => {
    const nodes = [
      node("a", conv(2, 2, 3, 0, { stride: [2, 2], padding: { kind: "same-upper" } }), ["x"]),
      node("abn", bnOp(2), ["a"]),
      node("b", conv(2, 2, 1, 0, { stride: [2, 2] }), ["x"]),
      node("bbn", bnOp(2), ["b"]),
      node("s", { kind: "add" }, ["abn", "bbn"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["s"]));
    expect(matches).toHaveLength(0);
    expect(refused.map((r) => r.reason)).toEqual(["PADS_UNKNOWN"]);
  });
});
