// The matcher on blocks whose branches share nodes: MobileOne's kxk convs
// reading one Pad (onnx-simplifier's common subexpressions, Keras'
// ZeroPadding2D), a conv read by two BN chains, a bare identity over a
// tensor that a BN made. Fusions are checked against the graph itself.
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, type GraphNodeView } from "../src/index.js";
import { expectFusionEqualsGraph, node, nodeMakers, other } from "./graph-nodes.js";

const r = seededRandom(23);
const { bn, conv, pad } = nodeMakers(r);

/** MobileOne over x: `k` 3x3 conv+BN branches all reading one Pad, a 1x1 conv+BN, a BN identity, summed by one Sum. */
function mobileOne(c: number, k: number, x = "x"): GraphNodeView[] {
  const nodes: GraphNodeView[] = [node("m/pad", pad(1), [x])];
  const leaves: string[] = [];
  for (let i = 0; i < k; i++)
    nodes.push(node(`m/kxk.${i}/conv`, conv(c, c, 3, 0), ["m/pad"]), node(`m/kxk.${i}/bn`, bn(c), [`m/kxk.${i}/conv`]));
  for (let i = 0; i < k; i++) leaves.push(`m/kxk.${i}/bn`);
  nodes.push(
    node("m/scale/conv", conv(c, c, 1, 0), [x]),
    node("m/scale/bn", bn(c), ["m/scale/conv"]),
    node("m/skip", bn(c), [x]),
  );
  nodes.push(node("m/sum", { kind: "add" }, [...leaves, "m/scale/bn", "m/skip"]));
  return nodes;
}

describe("matchBlocks: nodes shared by branches", () => {
  it("fuses a MobileOne block whose kxk convs read one Pad; the Pad goes with the block", async () => {
    const nodes = [...mobileOne(3, 3), other("m/act", ["m/sum"])];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["m/act"], () => [6, 5]));
    expect(refused).toEqual([]);
    expect(matches).toHaveLength(1);
    const m = matches[0]!;
    expect(m.candidate.family).toBe("mobileone");
    expect(m.input).toBe("x");
    expect(m.nodes.filter((n) => n.id === "m/pad")).toHaveLength(1);
    expect(m.nodes).toHaveLength(nodes.length - 1);
    expect(m.candidate.layout.branches.map((b) => (b.kind === "conv" ? b.pads : b.kind))).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      "identity",
    ]);
    await expectFusionEqualsGraph(r, nodes, m, 3, [6, 5]);
  });

  it("fuses the same block in a chain of Adds, the Pad feeding two kxk convs only", async () => {
    const c = 4;
    const nodes = [
      node("p", pad(1), ["x"]),
      node("a/conv", conv(c, c, 3, 0), ["p"]),
      node("a/bn", bn(c), ["a/conv"]),
      node("b/conv", conv(c, c, 3, 0), ["p"]),
      node("b/bn", bn(c), ["b/conv"]),
      node("s1", { kind: "add" }, ["a/bn", "b/bn"]),
      node("one", conv(c, c, 1, 0), ["x"]),
      node("s2", { kind: "add" }, ["s1", "one"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["s2"], () => [5, 7]));
    expect(refused).toEqual([]);
    expect(matches.map((m) => m.output)).toEqual(["s2"]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, c, [5, 7]);
  });

  it("refuses the block as SHARED_INTERMEDIATE when the Pad is also read outside it, and folds each conv + BN alone", async () => {
    const nodes = [...mobileOne(2, 2), other("m/act", ["m/sum"]), node("tap", conv(2, 2, 3, 0), ["m/pad"])];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["m/act", "tap"], () => [5, 5]));
    expect(refused.map((x) => x.reason)).toEqual(["SHARED_INTERMEDIATE"]);
    expect(refused[0]!.message).toContain("'m/pad'");
    expect(refused[0]!.message).toContain("'tap'");
    expect(matches.map((m) => [m.candidate.family, m.input])).toEqual([
      ["conv-bn", "m/pad"],
      ["conv-bn", "m/pad"],
      ["conv-bn", "x"],
    ]);
  });

  it("refuses the block when the Pad is a model output", async () => {
    const nodes = [...mobileOne(2, 2), other("m/act", ["m/sum"])];
    const { refused } = await matchBlocks(graphView(nodes, ["m/act", "m/pad"], () => [5, 5]));
    expect(refused.map((x) => [x.reason, x.message])).toEqual([
      ["SHARED_INTERMEDIATE", "tensor 'm/pad' inside the block is a model output"],
    ]);
  });

  it("reads a bare identity over a tensor a BN made (a block right after a stem BN, no activation between)", async () => {
    const c = 3;
    const nodes = [
      node("stem/conv", conv(c, 2, 3, 1), ["in"]),
      node("stem/bn", bn(c), ["stem/conv"]),
      node("b/dense/conv", conv(c, c, 3, 1), ["stem/bn"]),
      node("b/dense/bn", bn(c), ["b/dense/conv"]),
      node("b/1x1/conv", conv(c, c, 1, 0), ["stem/bn"]),
      node("b/1x1/bn", bn(c), ["b/1x1/conv"]),
      node("b/add", { kind: "add" }, ["b/dense/bn", "b/1x1/bn", "stem/bn"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["b/add"], () => [6, 6]));
    expect(refused).toEqual([]);
    const block = matches.find((m) => m.output === "b/add")!;
    expect(block.input).toBe("stem/bn");
    expect(block.candidate.layout.branches.map((b) => b.kind)).toEqual(["conv", "conv", "identity"]);
    expect(matches.find((m) => m.output === "stem/bn")?.candidate.family).toBe("conv-bn");
    await expectFusionEqualsGraph(r, nodes, block, c, [6, 6]);
  });

  it("reads c + BN(c) with c = conv(x) as a block over x (two branches sharing the conv), not identities over c", async () => {
    const nodes = [node("c", conv(2, 2, 3, 1), ["x"]), node("n", bn(2), ["c"]), node("s", { kind: "add" }, ["c", "n"])];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["s"]));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.input, m.nodes.length])).toEqual([["x", 3]]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, 2, [4, 5]);
  });
});
