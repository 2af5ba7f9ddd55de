// Chains of convs inside a sum (ECBSR, SPAN, RepNeXt), hand-built with Pad amounts as plain int64
// initializers: collapsed when their borders are exact, refused (SEQUENTIAL_BORDER) when not.
import { randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import type { InitializerSpec, NodeSpec } from "../src/index.js";
import { bn, convWeights } from "./_blocks.js";
import { opTypes } from "./_convert.js";
import { checkGraph, convNode } from "./_conv-graphs.js";

const rand = seededRandom(2323);
const c = 4;

const pads = (name: string, p: number): InitializerSpec => ({
  name,
  dims: [8],
  data: BigInt64Array.from([0, 0, p, p, 0, 0, p, p].map(BigInt)),
  type: "int64",
});
const conv = convNode;
const check = (nodes: NodeSpec[], initializers: InitializerSpec[]) => checkGraph(nodes, initializers, c, rand);

describe("chains of convs in a sum, through the ONNX adapter", () => {
  it("collapses ECBSR's 1x1 -> Pad -> + b0 -> depthwise 3x3 beside a 3x3 into one conv", async () => {
    const b0: InitializerSpec = { name: "b0", dims: [1, c, 1, 1], data: randomFloat32(rand, c, -1, 1) };
    const nodes: NodeSpec[] = [
      conv("/e/conv3x3/Conv", "x", "e.k.weight", "k", 1),
      conv("/e/sbx/Conv", "x", "e.k0.weight", "y0"),
      { op: "Pad", name: "/e/sbx/Pad", inputs: ["y0", "p1"], outputs: ["y0p"] },
      { op: "Add", name: "/e/sbx/Add", inputs: ["y0p", "b0"], outputs: ["y0b"] },
      conv("/e/sbx/Conv_1", "y0b", "e.mask.weight", "s", 0, c, "e.mask.bias"),
      { op: "Add", name: "/e/Add", inputs: ["k", "s"], outputs: ["y"] },
    ];
    const init = [
      ...convWeights(rand, "e.k", c, c, 3),
      ...convWeights(rand, "e.k0", c, c, 1),
      ...convWeights(rand, "e.mask", c, 1, 3, 3, true),
      pads("p1", 1),
      b0,
    ];
    const out = await check(nodes, init);
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.report.refused).toEqual([]);
  });

  it("collapses SPAN's Pad(x) -> 1x1 -> 3x3 (pad 0) -> 1x1, all biased, plus a 1x1 skip into one 3x3", async () => {
    const nodes: NodeSpec[] = [
      { op: "Pad", name: "/s/Pad", inputs: ["x", "p1"], outputs: ["xp"] },
      conv("/s/conv.0/Conv", "xp", "s.0.weight", "a", 0, 1, "s.0.bias"),
      conv("/s/conv.1/Conv", "a", "s.1.weight", "b", 0, 1, "s.1.bias"),
      conv("/s/conv.2/Conv", "b", "s.2.weight", "d", 0, 1, "s.2.bias"),
      conv("/s/sk/Conv", "x", "s.sk.weight", "e", 0, 1, "s.sk.bias"),
      { op: "Add", name: "/s/Add", inputs: ["d", "e"], outputs: ["y"] },
    ];
    const init = [
      ...convWeights(rand, "s.0", 2 * c, c, 1, 1, true),
      ...convWeights(rand, "s.1", 2 * c, 2 * c, 3, 3, true),
      ...convWeights(rand, "s.2", c, 2 * c, 1, 1, true),
      ...convWeights(rand, "s.sk", c, c, 1, 1, true),
      pads("p1", 1),
    ];
    const out = await check(nodes, init);
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.report.fused.map((f) => f.family)).toEqual(["conv-chain"]);
  });

  it("refuses (SEQUENTIAL_BORDER) the SPAN variant whose zero padding follows the biased 1x1, and keeps its output", async () => {
    const nodes: NodeSpec[] = [
      conv("/s/conv.0/Conv", "x", "s.0.weight", "a", 0, 1, "s.0.bias"),
      { op: "Pad", name: "/s/Pad", inputs: ["a", "p1"], outputs: ["ap"] },
      conv("/s/conv.1/Conv", "ap", "s.1.weight", "b", 0, 1, "s.1.bias"),
      conv("/s/conv.2/Conv", "b", "s.2.weight", "d", 0, 1, "s.2.bias"),
      conv("/s/sk/Conv", "x", "s.sk.weight", "e", 0, 1, "s.sk.bias"),
      { op: "Add", name: "/s/Add", inputs: ["d", "e"], outputs: ["y"] },
    ];
    const init = [
      ...convWeights(rand, "s.0", 2 * c, c, 1, 1, true),
      ...convWeights(rand, "s.1", 2 * c, 2 * c, 3, 3, true),
      ...convWeights(rand, "s.2", c, 2 * c, 1, 1, true),
      ...convWeights(rand, "s.sk", c, c, 1, 1, true),
      pads("p1", 1),
    ];
    const out = await check(nodes, init);
    expect(opTypes(out.model)).toEqual(["Conv", "Pad", "Conv", "Conv", "Conv", "Add"]);
    expect(out.report.refused.map((r) => [r.reason, r.message])).toEqual([
      [
        "SEQUENTIAL_BORDER",
        expect.stringContaining("'/s/conv.1/Conv' pads its input with 0 (channel 0) where '/s/conv.0/Conv' give"),
      ],
    ]);
  });

  it("refuses a Conv -> BN chain whose border misses the BN's shift (SEQUENTIAL_BORDER) and still folds each conv + BN", async () => {
    const bns = ["0", "1", "2", "sk"].map((k) => bn(rand, `n.${k}`, `c${k}`, `b${k}`, k === "1" ? 2 * c : c));
    const nodes: NodeSpec[] = [
      conv("/n/conv.0/Conv", "x", "n.c0.weight", "c0"),
      ...bns[0]!.nodes,
      { op: "Pad", name: "/n/Pad", inputs: ["b0", "p1"], outputs: ["bp"] },
      conv("/n/conv.1/Conv", "bp", "n.c1.weight", "c1"),
      ...bns[1]!.nodes,
      conv("/n/conv.2/Conv", "b1", "n.c2.weight", "c2"),
      ...bns[2]!.nodes,
      conv("/n/sk/Conv", "x", "n.csk.weight", "csk"),
      ...bns[3]!.nodes,
      { op: "Add", name: "/n/Add", inputs: ["b2", "bsk"], outputs: ["y"] },
    ];
    const init = [
      ...convWeights(rand, "n.c0", c, c, 1),
      ...convWeights(rand, "n.c1", 2 * c, c, 3),
      ...convWeights(rand, "n.c2", c, 2 * c, 1),
      ...convWeights(rand, "n.csk", c, c, 1),
      ...bns.flatMap((b) => b.initializers),
      pads("p1", 1),
    ];
    const out = await check(nodes, init);
    expect(out.report.refused.map((r) => r.reason)).toEqual(["SEQUENTIAL_BORDER"]);
    expect(out.report.fused.map((f) => f.family)).toEqual(["conv-bn", "conv-bn", "conv-bn", "conv-bn"]);
    expect(opTypes(out.model)).toEqual(["Conv", "Pad", "Conv", "Conv", "Conv", "Add"]);
  });
});
