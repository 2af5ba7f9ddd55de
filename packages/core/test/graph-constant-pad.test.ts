import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, type GraphNodeView, type NeutralOp } from "../src/index.js";
import { expectFusionEqualsGraph, node, nodeMakers, other } from "./graph-nodes.js";

// Pad nodes with a non-zero constant (a frame between the convs of a chain), on the neutral graph: a
// fused conv against the graph run with the naive reference ops in float64, within 1e-12 relative
// (see expectFusionEqualsGraph), borders included.
const r = seededRandom(2307);
const { constOf, conv, bn } = nodeMakers(r);
const C = 4;
const SIZE: [number, number] = [6, 5];
const padOf = (p: number, value: number): NeutralOp => ({ kind: "pad", pads: [p, p, p, p], value });
const uniform = (v: number) => constOf(new Float32Array(C).fill(v), [C]);
const f32 = (v: number) => Math.fround(v);

/** x -> 1x1 (+ bias b in every channel) -> Pad(1, value) -> 3x3 -> ReLU. */
function biasedChain(b: number, value: number): GraphNodeView[] {
  return [
    node("c/a", conv(C, C, 1, 0, { bias: uniform(b) }), ["x"]),
    node("c/pad", padOf(1, value), ["c/a"]),
    node("c/b", conv(C, C, 3, 0), ["c/pad"]),
    other("c/relu", ["c/b"]),
  ];
}

/** 3x3(x) + 3x3(Pad(1, value)(1x1 (+ b)(x))) -> ReLU. */
function sumWithChain(b: number, value: number): GraphNodeView[] {
  return [
    node("s/k", conv(C, C, 3, 1), ["x"]),
    node("s/a", conv(C, C, 1, 0, { bias: uniform(b) }), ["x"]),
    node("s/pad", padOf(1, value), ["s/a"]),
    node("s/b", conv(C, C, 3, 0), ["s/pad"]),
    node("s/add", { kind: "add" }, ["s/k", "s/b"]),
    other("s/relu", ["s/add"]),
  ];
}

describe("matchBlocks with constant Pad nodes", () => {
  it("collapses 1x1 (+ b) -> Pad(value b) -> 3x3 into one 3x3 (the frame holds the 1x1's zero response)", async () => {
    const b = f32(0.3);
    const nodes = biasedChain(b, b);
    const { matches, refused } = await matchBlocks(graphView(nodes, ["c/relu"], () => SIZE));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.candidate.family, m.input, m.output, m.nodes.length])).toEqual([
      ["conv-chain", "x", "c/b", 3],
    ]);
    const plan = matches[0]!.candidate.plan;
    expect(plan?.ok && [plan.plan.kernelShape, plan.plan.pads]).toEqual([
      [C, C, 3, 3],
      [1, 1, 1, 1],
    ]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, SIZE);
  });

  it("collapses 1x1 -> BN -> Pad -> 3x3 when the BN maps the 1x1's bias to the Pad's value in every channel", async () => {
    // BN(b) = (b - mean) * gamma / sqrt(var + eps) + beta: mean = b and var + eps = 1 give beta, exact in float64.
    const bias = Float32Array.from([0.25, -0.5, 0.125, 1]);
    const bnNode: NeutralOp = {
      kind: "batchnorm",
      gamma: constOf(Float32Array.from([2, 0.5, 1, 4]), [C]),
      beta: uniform(0.375),
      mean: constOf(bias, [C]),
      variance: uniform(0.75),
      eps: 0.25,
    };
    const nodes = [
      node("n/a", conv(C, C, 1, 0, { bias: constOf(bias, [C]) }), ["x"]),
      node("n/bn", bnNode, ["n/a"]),
      node("n/pad", padOf(1, 0.375), ["n/bn"]),
      node("n/b", conv(C, C, 3, 0), ["n/pad"]),
      other("n/relu", ["n/b"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["n/relu"], () => SIZE));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.candidate.family, m.nodes.length])).toEqual([["conv-chain", 4]]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, SIZE);
  });

  it("leaves a lone chain whose Pad holds another value than the 1x1's zero response, unreported", async () => {
    // A chain alone is no block the graph declared: one that is not exact stays as it is, with no refusal.
    const nodes = biasedChain(f32(0.3), f32(0.7));
    const { matches, refused } = await matchBlocks(graphView(nodes, ["c/relu"], () => SIZE));
    expect([matches, refused]).toEqual([[], []]);
  });

  it("collapses a chain through a constant Pad beside a 3x3 conv in a sum", async () => {
    const b = f32(-0.45);
    const nodes = sumWithChain(b, b);
    const { matches, refused } = await matchBlocks(graphView(nodes, ["s/relu"], () => SIZE));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.input, m.output, m.nodes.length])).toEqual([["x", "s/add", 5]]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, SIZE);
  });

  it("refuses a sum whose chain pads with another value than its zero response (SEQUENTIAL_BORDER)", async () => {
    const b = f32(-0.45);
    const nodes = sumWithChain(b, 0.5);
    const { matches, refused } = await matchBlocks(graphView(nodes, ["s/relu"], () => SIZE));
    expect(matches).toEqual([]);
    expect(refused.map((x) => [x.reason, x.message])).toEqual([
      [
        "SEQUENTIAL_BORDER",
        `chain 's/a' -> 's/b': 's/b' pads its input with 0.5 (channel 0) where 's/a' give ${b} for a zero input, the value the fused conv sees on that border`,
      ],
    ]);
  });

  node("s/b", conv(C, C, 3, 0), ["s/pad"]),
    node("s/add", { kind: "add" }, ["s/k", "s/b"]),
    other("s/relu", ["s/add"]),
    it("keeps a non-zero Pad on the block input out of a branch conv's padding (the fused conv pads with zeros)", async () => {
      const sum = (value: number) => [
        node("p/pad", padOf(1, value), ["x"]),
        node("p/k", conv(C, C, 3, 0), ["p/pad"]),
        node("p/1", conv(C, C, 1, 0), ["x"]),
        node("p/add", { kind: "add" }, ["p/k", "p/1"]),
        other("p/relu", ["p/add"]),
      ];
      // With a zero Pad it is RepVGG's block over x ...
      const zero = await matchBlocks(graphView(sum(0), ["p/relu"], () => SIZE));
      expect(zero.matches.map((m) => [m.input, m.nodes.length])).toEqual([["x", 4]]);
      // ... with Pad(0.5) no block reads x through the Pad: the Pad stays, and whatever is fused equals the graph.
      const nodes = sum(0.5);
      const { matches } = await matchBlocks(graphView(nodes, ["p/relu"], () => SIZE));
      expect(matches.some((m) => m.nodes.some((n) => n.id === "p/pad"))).toBe(false);
      for (const m of matches) await expectFusionEqualsGraph(r, nodes, m, C, SIZE);
    });
});

/** x * s + t (t one scalar) -> [Pad(1, value) -> 3x3, 1x1] -> sum -> ReLU. */
function preAffineSum(t: number, value: number): GraphNodeView[] {
  const affine: NeutralOp = {
    kind: "affine",
    scale: constOf(Float32Array.from([0.5, -1.25, 2, 0.75]), [C]),
    shift: constOf(Float32Array.from([t]), [1]),
  };
  return [
    node("q/pre", affine, ["x"]),
    node("q/pad", padOf(1, value), ["q/pre"]),
    node("q/k", conv(C, C, 3, 0, { bias: uniform(f32(0.1)) }), ["q/pad"]),
    node("q/1", conv(C, C, 1, 0), ["q/pre"]),
    node("q/add", { kind: "add" }, ["q/k", "q/1"]),
    other("q/relu", ["q/add"]),
  ];
}

describe("matchBlocks with a constant Pad after a pre-affine", () => {
  it("fuses a sum over x * s + t whose padded branch pads with t (conv(Pad(t)(A(x))) is conv(A(Pad(0)(x))))", async () => {
    const t = f32(-0.35);
    const nodes = preAffineSum(t, t);
    const { matches, refused } = await matchBlocks(graphView(nodes, ["q/relu"], () => SIZE));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.input, m.output, m.nodes.length])).toEqual([["x", "q/add", 5]]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, SIZE);
  });

  it("refuses that sum when the Pad holds another value than the affine's shift (SEQUENTIAL_BORDER)", async () => {
    const nodes = preAffineSum(f32(-0.35), 0.25);
    const { matches, refused } = await matchBlocks(graphView(nodes, ["q/relu"], () => SIZE));
    expect(matches).toEqual([]);
    expect(refused.map((x) => [x.reason, x.message])).toEqual([
      [
        "SEQUENTIAL_BORDER",
        `chain 'q/k': 'q/k' pads its input with 0.25 (channel 0) where 'q/pre' give ${f32(-0.35)} for a zero input, the value the fused conv sees on that border`,
      ],
    ]);
  });

  it("collapses a lone conv over Pad(t)(x * s + t) with its BN into one conv; another Pad value stays, unreported", async () => {
    const t = f32(-0.35);
    const lone = (value: number) =>
      preAffineSum(t, value)
        .filter((n) => ["q/pre", "q/pad", "q/k"].includes(n.id))
        .concat([node("q/bn", bn(C), ["q/k"]), other("q/relu", ["q/bn"])]);
    const nodes = lone(t);
    const { matches, refused } = await matchBlocks(graphView(nodes, ["q/relu"], () => SIZE));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.candidate.family, m.input, m.output, m.nodes.length])).toEqual([
      ["conv-chain", "x", "q/bn", 4],
    ]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, SIZE);
    const wrong = await matchBlocks(graphView(lone(0.25), ["q/relu"], () => SIZE));
    expect(wrong.refused).toEqual([]);
    expect(wrong.matches.some((m) => m.nodes.some((n) => n.id === "q/pad"))).toBe(false);
  });
});
