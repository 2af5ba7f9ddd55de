import { randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, type NeutralOp } from "../src/index.js";
import { expectFusionEqualsGraph, node, nodeMakers } from "./graph-nodes.js";

// Dilated chains of convs on the neutral graph: the fused conv against the graph run with the naive reference
// ops in float64, within 1e-12 relative (see expectFusionEqualsGraph), borders included.
const r = seededRandom(2424);
const { constOf, conv } = nodeMakers(r);
const C = 4;
type ConvOp = Extract<NeutralOp, { kind: "conv" }>;

/** A kh x kw conv at `dilation` and `stride` with pads [t, l, b, r]. */
const dconv = (k: [number, number], pads: number[], dilation: [number, number], stride: [number, number] = [1, 1]) =>
  ({
    kind: "conv",
    kernel: constOf(randomFloat32(r, C * C * k[0] * k[1]), [C, C, k[0], k[1]]),
    bias: constOf(randomFloat32(r, C), [C]),
    stride,
    padding: { kind: "explicit", pads: pads as [number, number, number, number] },
    dilation,
    groups: 1,
  }) satisfies ConvOp;

describe("matchBlocks with dilated chains of convs", () => {
  it("collapses a 1x3 at dilation 2 then a 1x1 into one 1x3 at dilation 2, cheaper than the chain", async () => {
    const nodes = [node("c/a", dconv([1, 3], [0, 2, 0, 2], [1, 2]), ["x"]), node("c/b", conv(C, C, 1, 0), ["c/a"])];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["c/b"], () => [5, 9]));
    expect(refused).toEqual([]);
    const plan = matches[0]?.candidate.plan;
    expect(plan?.ok && [matches[0]!.candidate.family, plan.plan.kernelShape, plan.plan.dilation]).toEqual([
      "conv-chain",
      [C, C, 1, 3],
      [1, 2],
    ]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, [5, 9]);
  });

  it("lays a strided chain out at dilation 1 (a stride-2 1x1 then a 3x3 beside a stride-2 3x3 at dilation 2: a dense 5x5)", async () => {
    const nodes = [
      node("s/d2", dconv([3, 3], [2, 2, 2, 2], [2, 2], [2, 2]), ["x"]),
      node("s/a", { ...(conv(C, C, 1, 0) as ConvOp), stride: [2, 2] }, ["x"]),
      node("s/b", dconv([3, 3], [0, 0, 0, 0], [1, 1]), ["s/a"]),
      node("s/add", { kind: "add" }, ["s/d2", "s/b"]),
    ];
    // x padded by 2 then the chain unpadded: the d2 branch's 5x5 window and the chain's line up.
    const padded = [node("s/pad", { kind: "pad", pads: [2, 2, 2, 2] }, ["x"]), ...nodes];
    padded[2] = node("s/a", nodes[1]!.op, ["s/pad"]);
    const { matches, refused } = await matchBlocks(graphView(padded, ["s/add"], () => [9, 11]));
    expect(refused).toEqual([]);
    const plan = matches[0]?.candidate.plan;
    expect(plan?.ok && [plan.plan.kernelShape, plan.plan.dilation, plan.plan.stride]).toEqual([
      [C, C, 5, 5],
      [1, 1],
      [2, 2],
    ]);
    await expectFusionEqualsGraph(r, padded, matches[0]!, C, [9, 11]);
  });
});
