import { randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, type GraphNodeView } from "../src/index.js";
import { expectFusionEqualsGraph, expectOneBlock, node, nodeMakers, other } from "./graph-nodes.js";

// Blocks made of blocks: matchBlocks merges, round after round, what an earlier round fused (a sum, a conv + BN)
// with what is around it. Each merged fusion against the graph run with the naive reference ops in float64, within
// 1e-12 relative (see expectFusionEqualsGraph), borders included.
const r = seededRandom(4747);
const { bn, constOf, conv } = nodeMakers(r);
const C = 4;
const add = (id: string, inputs: string[]) => node(id, { kind: "add" }, inputs);

/** A RepVGG-style sum over `x`: 3x3 + BN, 1x1 + BN, named under `p`. */
const repvgg = (p: string, x: string): GraphNodeView[] => [
  node(`${p}/k3`, conv(C, C, 3, 1), [x]),
  node(`${p}/k3/bn`, bn(C), [`${p}/k3`]),
  node(`${p}/k1`, conv(C, C, 1, 0), [x]),
  node(`${p}/k1/bn`, bn(C), [`${p}/k1`]),
  add(`${p}/add`, [`${p}/k3/bn`, `${p}/k1/bn`]),
];

describe("matchBlocks in rounds", () => {
  it("merges a sum of branches with the unpadded narrowing conv + BN after it into one (5x5) conv", async () => {
    const nodes = [
      ...repvgg("s", "x"),
      // 2 x 4 x 5 x 5 = 200 multiply-adds per output as one conv, 2 x 4 x 9 + 4 x 4 x 9 = 216 as two: merged.
      node("s/next", conv(2, C, 3, 0), ["s/add"]),
      node("s/next/bn", bn(2), ["s/next"]),
      other("s/relu", ["s/next/bn"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["s/relu"], () => [7, 6]));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.input, m.output, m.nodes.length])).toEqual([["x", "s/next/bn", 7]]);
    expect(matches[0]!.nodes.map((n) => n.id)).toEqual(nodes.slice(0, 7).map((n) => n.id));
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, [7, 6]);
  });

  it("merges a sum whose branch is a conv over another sum (three rounds: the inner sum, the chain, the outer sum)", async () => {
    const nodes = [
      ...repvgg("i", "x"),
      node("o/a", conv(C, C, 1, 0), ["i/add"]),
      node("o/a/bn", bn(C), ["o/a"]),
      node("o/b", conv(C, C, 3, 1), ["x"]),
      node("o/b/bn", bn(C), ["o/b"]),
      add("o/add", ["o/a/bn", "o/b/bn"]),
      other("o/relu", ["o/add"]),
    ];
    await expectOneBlock(r, C, nodes, "o/relu", ["x", "o/add", 10], [6, 6]);
  });

  it("keeps a sum and a widening 1x1 after it apart unless every exact chain merges (chains: 'all')", async () => {
    const nodes = [
      ...repvgg("w", "x"),
      // 8 x 4 x 3 x 3 = 288 multiply-adds per output as one conv, 8 x 4 + 4 x 4 x 9 = 176 as two.
      node("w/next", conv(2 * C, C, 1, 0), ["w/add"]),
      node("w/next/bn", bn(2 * C), ["w/next"]),
      other("w/relu", ["w/next/bn"]),
    ];
    const view = graphView(nodes, ["w/relu"], () => [6, 5]);
    const cheaper = await matchBlocks(view);
    expect(cheaper.matches.map((m) => [m.input, m.output]).sort()).toEqual([
      ["w/add", "w/next/bn"],
      ["x", "w/add"],
    ]);
    const all = await matchBlocks(view, { chains: "all" });
    expect(all.refused).toEqual([]);
    expect(all.matches.map((m) => [m.input, m.output, m.nodes.length])).toEqual([["x", "w/next/bn", 7]]);
    await expectFusionEqualsGraph(r, nodes, all.matches[0]!, C, [6, 5]);
  });

  it("merges nothing into a block an exclusion targets, and nothing at all with `only`", async () => {
    const nodes = [
      ...repvgg("e", "x"),
      node("e/next", conv(2, C, 3, 0), ["e/add"]),
      node("e/next/bn", bn(2), ["e/next"]),
      other("e/relu", ["e/next/bn"]),
    ];
    const view = graphView(nodes, ["e/relu"], () => [7, 6]);
    const apart = [
      ["e/add", "e/next/bn"],
      ["x", "e/add"],
    ];
    // The sum's id is its output tensor, 'e/add': the user leaves it, the conv + BN after it still folds.
    const excluded = await matchBlocks(view, { exclude: ["e/add"] });
    expect(excluded.matches.map((m) => [m.input, m.output]).sort()).toEqual(apart);
    for (const only of ["bn", "branches"] as const) {
      const found = await matchBlocks(view, { only });
      expect(found.matches.map((m) => [m.input, m.output]).sort()).toEqual(apart);
    }
    const merged = await matchBlocks(view, { exclude: ["nothing/here"] });
    expect(merged.matches.map((m) => [m.input, m.output])).toEqual([["x", "e/next/bn"]]);
  });

  it("matches a sum over the conv output its branches share when the chain through that conv is not exact", async () => {
    const nodes = [
      node("c/conv", conv(C, C, 3, 1), ["x"]),
      node("c/shift", { kind: "affine", shift: constOf(randomFloat32(r, C), [C]) }, ["c/conv"]),
      node("c/k1", conv(C, C, 1, 0), ["c/shift"]),
      node("c/k1/bn", bn(C), ["c/k1"]),
      node("c/k1b", conv(C, C, 1, 0), ["c/shift"]),
      node("c/k3", conv(C, C, 3, 1), ["c/conv"]),
      node("c/k3/bn", bn(C), ["c/k3"]),
      add("c/add", ["c/k1/bn", "c/k1b", "c/k3/bn"]),
      other("c/relu", ["c/add"]),
    ];
    // Every branch reads x through c/conv too, but a padded 3x3 after a padded 3x3 is never exact: the block is over
    // c/conv's output, with the shift the two 1x1 branches share as their first stage.
    await expectOneBlock(r, C, nodes, "c/relu", ["c/conv", "c/add", 7], [6, 5]);
  });

  it("keeps a sum and the padded 3x3 after it apart (its border would read the sum's bias, not zeros)", async () => {
    const nodes = [
      ...repvgg("p", "x"),
      node("p/next", conv(C, C, 3, 1), ["p/add"]),
      node("p/next/bn", bn(C), ["p/next"]),
      other("p/relu", ["p/next/bn"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["p/relu"], () => [5, 5]));
    expect(matches.map((m) => [m.input, m.output]).sort()).toEqual([
      ["p/add", "p/next/bn"],
      ["x", "p/add"],
    ]);
    for (const m of matches) await expectFusionEqualsGraph(r, nodes, m, C, [5, 5]);
  });

  it("merges a sum with a residual block over it (the residual reads the sum once, as one block's input)", async () => {
    const nodes = [
      ...repvgg("q", "x"),
      node("q/next", conv(C, C, 1, 0), ["q/add"]),
      node("q/next/bn", bn(C), ["q/next"]),
      add("q/res", ["q/next/bn", "q/add"]),
      other("q/relu", ["q/res"]),
    ];
    const { matches } = await matchBlocks(graphView(nodes, ["q/relu"], () => [5, 5]));
    // q/add feeds both q/next and q/res: the 1x1 alone cannot swallow the sum S, but q/res = 1x1(S) + S is a block
    // over S, then a conv that reads S alone: S's 3x3 and that 1x1 + identity chain into one 3x3.
    expect(matches.map((m) => [m.input, m.output, m.nodes.length])).toEqual([["x", "q/res", 8]]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, [5, 5]);
  });
});
