// The graph matcher's DBB refusals: pads that do not line up, inner tensors read outside the block,
// a Pad whose zeros are not what the first stage gives for a zero input.
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, planBlock, type GraphNodeView, type NeutralOp } from "../src/index.js";
import { dbbMakers, explicit, node, type Dbb } from "./graph-dbb-nodes.js";
import { expectFusionEqualsGraph } from "./graph-nodes.js";

const r = seededRandom(12);
const { constOf, bnOp, vec, convOp, dbbNodes, fuseAndCompare } = dbbMakers(r);

describe("matchBlocks: DBB refusals", () => {
  const base: Dbb = { c: 3, o: 3, stride: 1, groups: 1, k: 3, bnForm: "batchnorm", after: explicit(0) };
  const replace = (nodes: GraphNodeView[], id: string, op: NeutralOp) =>
    nodes.map((n) => (n.id === id ? { ...n, op } : n));

  it("reads a Pad that is not a zero spatial pad (the adapter's 'other') as no branch: the whole block is refused as NON_LINEAR_BRANCH naming it, its other branches fuse", async () => {
    const nodes = replace(dbbNodes(base), "b/kxk/bn1/pad", { kind: "other" });
    const { matches, refused } = await matchBlocks(graphView(nodes, ["b/add2"], () => [5, 5]));
    expect(refused.map((x) => [x.block, x.reason])).toEqual([["b", "NON_LINEAR_BRANCH"]]);
    expect(refused[0]!.message).toContain("'b/kxk/bn1/pad'");
    // origin + 1x1 + avg (the sum inside the block that reads x alone), and BN -> unpadded conv2 -> BN after the pad.
    expect(matches.map((m) => m.output).sort()).toEqual(["b/add1", "b/kxk/bn2"]);
    expect(matches.flatMap((m) => m.nodes.map((n) => n.id))).not.toContain("b/kxk/bn1/pad");
    for (const m of matches.filter((x) => x.input === "x")) await expectFusionEqualsGraph(r, nodes, m, 3, [5, 5]);
  });

  it("fuses BNAndPad pads that line up only in a bigger kernel ((0, 0, 2, 2) beside pads 1 all round: 4x4)", async () => {
    const nodes = dbbNodes(base).map((n) =>
      n.op.kind === "pad" ? { ...n, op: { kind: "pad" as const, pads: [0, 0, 2, 2] as const } } : n,
    );
    const m = await fuseAndCompare(nodes, [5, 6], 3);
    const plan = planBlock(m.candidate.layout);
    expect(plan.ok && [plan.plan.kernelShape, plan.plan.pads]).toEqual([
      [3, 3, 4, 4],
      [1, 1, 2, 2],
    ]);
  });

  it("refuses BNAndPad pads that do not line up (1, 1, 0, 0): the branch gives another output size", async () => {
    const nodes = dbbNodes(base).map((n) =>
      n.op.kind === "pad" ? { ...n, op: { kind: "pad" as const, pads: [1, 1, 0, 0] as const } } : n,
    );
    const reasons = [];
    for (const size of [undefined, [5, 5] as const]) {
      const { matches } = await matchBlocks(graphView(nodes, ["b/add2"], () => size));
      const plan = planBlock(matches[0]!.candidate.layout);
      reasons.push(!plan.ok && plan.refusal.reason);
    }
    expect(reasons).toEqual(["PADS_MISALIGNED", "OUTPUT_SIZE_MISMATCH"]);
  });

  it.each(["b/kxk/bn1/bn", "b/kxk/bn1/pad", "b/avg/bn/bn", "b/kxk/idconv1"])(
    "refuses the block when '%s' is also read outside it",
    async (tapped) => {
      const nodes = [...dbbNodes(base), node("tap", { kind: "other" }, [tapped])];
      const { matches, refused } = await matchBlocks(graphView(nodes, ["b/add2", "tap"], () => [5, 5]));
      expect(matches.map((m) => m.candidate.family)).not.toContain("dbb");
      expect(refused.map((x) => x.reason)).toContain("SHARED_INTERMEDIATE");
      expect(refused.find((x) => x.reason === "SHARED_INTERMEDIATE")!.message).toContain("'tap'");
    },
  );

  it("refuses a Pad whose zeros are not what the first stage gives for a zero input (a BN before the Pad, a 1x1 bias)", async () => {
    const withBn: GraphNodeView[] = dbbNodes(base).flatMap((n) =>
      n.id === "b/kxk/bn1/pad" ? [node("b/kxk/pre", bnOp(3), ["b/kxk/idconv1"]), { ...n, inputs: ["b/kxk/pre"] }] : [n],
    );
    const biased = dbbNodes(base).map((n) =>
      n.id === "b/kxk/idconv1" && n.op.kind === "conv" ? { ...n, op: { ...n.op, bias: vec(3) } } : n,
    );
    for (const nodes of [withBn, biased]) {
      const { matches, refused } = await matchBlocks(graphView(nodes, ["b/add2"], () => [5, 5]));
      expect(matches.map((m) => m.candidate.family)).not.toContain("dbb");
      expect(refused.map((x) => x.reason)).toEqual(["SEQUENTIAL_PADDING"]);
      expect(refused[0]!.message).toContain("'b/kxk/bn1/pad'");
    }
    // A zero bias is exact: the 1x1 still gives 0 for a zero input.
    const zeroBias = dbbNodes(base).map((n) =>
      n.id === "b/kxk/idconv1" && n.op.kind === "conv"
        ? { ...n, op: { ...n.op, bias: constOf(new Float32Array(3), [3]) } }
        : n,
    );
    await fuseAndCompare(zeroBias, [5, 5], 3);
    // So is any bias when nothing is padded: a Pad of zeros before the BN leaves no border to fill.
    const unpadded = [
      node("o/conv", convOp(2, 2, 3), ["x"]),
      node("s/one", convOp(3, 2, 1, { bias: true }), ["x"]),
      node("s/pad", { kind: "pad", pads: [0, 0, 0, 0] }, ["s/one"]),
      node("s/bn", bnOp(3), ["s/pad"]),
      node("s/kxk", convOp(2, 3, 3), ["s/bn"]),
      node("sum", { kind: "add" }, ["o/conv", "s/kxk"]),
    ];
    const m = await fuseAndCompare(unpadded, [5, 6], 2);
    expect(m.candidate.layout.branches.map((b) => b.kind === "sequential" && b.padding)).toEqual([false, "zero"]);
  });
});
