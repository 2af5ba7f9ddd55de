import { randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, type GraphNodeView, type NeutralOp } from "../src/index.js";
import { expectFusionEqualsGraph, node, nodeMakers } from "./graph-nodes.js";

// Chains of convs in a sum, on the neutral graph: the fused conv against the graph run with the naive
// reference ops in float64, within 1e-12 relative (see expectFusionEqualsGraph), borders included.
const r = seededRandom(2323);
const { constOf, bn, conv, pad } = nodeMakers(r);
const C = 4;
const add = (id: string, inputs: string[]) => node(id, { kind: "add" }, inputs);
type ConvOp = Extract<NeutralOp, { kind: "conv" }>;
/** A dense kh x kw conv with same pads. */
const asym = ([kh, kw]: [number, number], extra: Partial<ConvOp> = {}): ConvOp => ({
  ...(conv(C, C, 1, 0) as ConvOp),
  kernel: constOf(randomFloat32(r, C * C * kh * kw), [C, C, kh, kw]),
  padding: { kind: "explicit", pads: [kh >> 1, kw >> 1, kh >> 1, kw >> 1] },
  ...extra,
});
const leaky = (id: string, slope: number, input: string): GraphNodeView =>
  node(id, { kind: "other", activation: { op: "LeakyRelu", slopes: [slope] } }, [input]);

describe("matchBlocks with chains of convs", () => {
  it("fuses ECBSR's 1x1 -> Pad -> + b0 -> depthwise 3x3 and a 1x1 -> BN -> 3x3 chain beside a 3x3 conv", async () => {
    const shift: NeutralOp = { kind: "affine", shift: constOf(randomFloat32(r, C), [C]) };
    const nodes = [
      node("e/k", conv(C, C, 3, 1), ["x"]),
      node("e/sbx/k0", conv(C, C, 1, 0), ["x"]),
      node("e/sbx/pad", pad(1), ["e/sbx/k0"]),
      node("e/sbx/b0", shift, ["e/sbx/pad"]),
      node("e/sbx/mask", conv(C, 1, 3, 0, { groups: C, bias: constOf(randomFloat32(r, C), [C]) }), ["e/sbx/b0"]),
      node("e/c/a", conv(2 * C, C, 1, 1, { bias: constOf(randomFloat32(r, 2 * C), [2 * C]) }), ["x"]),
      node("e/c/bn", bn(2 * C), ["e/c/a"]),
      node("e/c/b", conv(C, 2 * C, 3, 0), ["e/c/bn"]),
      add("e/add", ["e/k", "e/sbx/mask"]),
      add("e/add2", ["e/add", "e/c/b"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["e/add2"], () => [6, 5]));
    expect(refused).toEqual([]);
    expect(matches.map((m) => [m.candidate.family, m.nodes.length])).toEqual([["conv-chain", nodes.length]]);
    await expectFusionEqualsGraph(r, nodes, matches[0]!, C, [6, 5]);
  });

  it("fuses RepNeXt's strided depthwise 1x5 -> 5x1 beside a strided 5x5 (strides (1, 2) then (2, 1))", async () => {
    const dw = (k: [number, number], p: [number, number], s: [number, number]): ConvOp => ({
      kind: "conv",
      kernel: constOf(randomFloat32(r, C * k[0] * k[1]), [C, 1, k[0], k[1]]),
      stride: s,
      padding: { kind: "explicit", pads: [p[0], p[1], p[0], p[1]] },
      dilation: [1, 1],
      groups: C,
    });
    const nodes = [
      node("m/55", { ...dw([5, 5], [2, 2], [2, 2]), bias: constOf(randomFloat32(r, C), [C]) }, ["x"]),
      node("m/w", dw([1, 5], [0, 2], [1, 2]), ["x"]),
      node("m/h", dw([5, 1], [2, 0], [2, 1]), ["m/w"]),
      add("m/add", ["m/55", "m/h"]),
    ];
    for (const size of [
      [8, 8],
      [7, 9],
    ] as [number, number][]) {
      const { matches, refused } = await matchBlocks(graphView(nodes, ["m/add"], () => size));
      expect([refused, matches.length]).toEqual([[], 1]);
      await expectFusionEqualsGraph(r, nodes, matches[0]!, C, size);
    }
  });

  it("refuses a biased 1xk -> kx1 pair (SEQUENTIAL_BORDER) naming the border and the convs", async () => {
    const nodes = [
      node("l/33", conv(C, C, 3, 1), ["x"]),
      node("l/w", asym([1, 3], { bias: constOf(randomFloat32(r, C), [C]) }), ["x"]),
      node("l/h", asym([3, 1]), ["l/w"]),
      add("l/add", ["l/33", "l/h"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["l/add"], () => [5, 5]));
    expect(matches).toEqual([]);
    expect(refused.map((x) => [x.reason, x.message])).toEqual([
      [
        "SEQUENTIAL_BORDER",
        expect.stringMatching(/^chain 'l\/w' -> 'l\/h': 'l\/h' pads its input with 0 \(channel 0\) where 'l\/w' give/),
      ],
    ]);
  });

  it("fuses the sum inside a tree whose chain it refuses (SEQUENTIAL_BORDER) still, as without chains", async () => {
    const nodes = [
      node("t/33", conv(C, C, 3, 1), ["x"]),
      node("t/11", conv(C, C, 1, 0), ["x"]),
      add("t/in", ["t/33", "t/11"]),
      node("t/a", asym([1, 3], { bias: constOf(randomFloat32(r, C), [C]) }), ["x"]),
      node("t/b", asym([3, 1]), ["t/a"]),
      add("t/out", ["t/in", "t/b"]),
    ];
    const { matches, refused } = await matchBlocks(graphView(nodes, ["t/out"], () => [5, 5]));
    expect(refused.map((x) => x.reason)).toEqual(["SEQUENTIAL_BORDER"]);
    expect(matches.map((m) => m.output)).toEqual(["t/in"]);
    await expectFusionEqualsGraph(r, nodes.slice(0, 3), matches[0]!, C, [5, 5]);
  });
});

describe("matchBlocks with convs across a leaky ReLU", () => {
  const pair = (slope: number, k = 1, extra: GraphNodeView[] = []) => [
    node("s/conv1", conv(C, C, k, k >> 1), ["x"]),
    node("s/bn1", bn(C), ["s/conv1"]),
    leaky("s/act", slope, "s/bn1"),
    node("s/conv2", conv(C, C, 1, 0), ["s/act"]),
    node("s/bn2", bn(C), ["s/conv2"]),
    ...extra,
  ];

  it("refuses two 1x1 convs across LeakyRelu(0.3) (SEQUENTIAL_NONLINEAR) and still folds each conv + BN", async () => {
    const { matches, refused } = await matchBlocks(graphView(pair(0.3), ["s/bn2"], () => [4, 4]));
    expect(refused.map((x) => [x.block, x.reason, x.id])).toEqual([["s", "SEQUENTIAL_NONLINEAR", "s/conv2"]]);
    expect(refused[0]!.message).toContain(
      "'s/conv1' and 's/conv2' are two 1x1 convs across 's/act' (LeakyRelu, slope 0.3)",
    );
    expect(matches.map((m) => m.candidate.family)).toEqual(["conv-bn", "conv-bn"]);
  });

  it("says nothing at slope 1, after a 3x3 conv, or when the first conv's output is read elsewhere", async () => {
    const tap = [node("tap", { kind: "other" }, ["s/bn1"])];
    for (const [nodes, outs] of [
      [pair(1), ["s/bn2"]],
      [pair(0.3, 3), ["s/bn2"]],
      [pair(0.3, 1, tap), ["s/bn2", "tap"]],
    ] as const) {
      const { refused } = await matchBlocks(graphView(nodes, outs, () => [4, 4]));
      expect(refused).toEqual([]);
    }
  });
});
