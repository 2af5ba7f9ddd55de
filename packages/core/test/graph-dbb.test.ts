// The graph matcher on DBB's BNAndPad forms: conv_kxk(BN(Pad0(conv_1x1(X)))) and AvgPool(BN(Pad0(conv_1x1(X)))),
// fused and checked against the neutral graph itself run with the naive reference ops (float64).
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { graphView, matchBlocks, planBlock, type NeutralOp } from "../src/index.js";
import { dbbMakers, explicit, node, type Dbb } from "./graph-dbb-nodes.js";

const r = seededRandom(11);
const { bnOp, vec, convOp, dbbNodes, fuseAndCompare } = dbbMakers(r);

const CASES: Array<[string, Dbb, [number, number]]> = [
  [
    "dense, stride 1, BNAndPad as BatchNorm, pads 0",
    { c: 4, o: 4, stride: 1, groups: 1, k: 3, bnForm: "batchnorm", after: explicit(0) },
    [7, 6],
  ],
  [
    "dense, stride 2, odd input",
    { c: 3, o: 5, stride: 2, groups: 1, k: 3, bnForm: "batchnorm", after: explicit(0) },
    [7, 7],
  ],
  [
    "dense, stride 2, even input",
    { c: 3, o: 5, stride: 2, groups: 1, k: 3, bnForm: "batchnorm", after: explicit(0) },
    [8, 6],
  ],
  ["5x5", { c: 3, o: 4, stride: 1, groups: 1, k: 5, bnForm: "batchnorm", after: explicit(0) }, [6, 7]],
  ["grouped (2)", { c: 4, o: 6, stride: 1, groups: 2, k: 3, bnForm: "batchnorm", after: explicit(0) }, [5, 6]],
  [
    "depthwise: the pool on X, conv1 to 2C",
    { c: 4, o: 4, stride: 2, groups: 4, k: 3, bnForm: "batchnorm", after: explicit(0) },
    [7, 8],
  ],
  [
    "TF graph: Mul + Add, VALID, bias on the kxk (_FusedConv2D)",
    { c: 4, o: 4, stride: 2, groups: 1, k: 3, bnForm: "mul-add", after: { kind: "valid" }, fusedSecond: true },
    [8, 8],
  ],
];

describe("matchBlocks: DBB's BNAndPad branches", () => {
  it.each(CASES)(
    "%s: reads 1x1 -> Pad -> BN -> kxk and 1x1 -> Pad -> BN -> pool as sequential (first-output); the fusion equals the graph",
    async (_name, d, size) => {
      const nodes = dbbNodes(d);
      const m = await fuseAndCompare(nodes, size, d.c);
      expect(m.candidate.family).toBe("dbb");
      expect(m.input).toBe("x");
      expect(m.nodes).toHaveLength(nodes.length);
      const seq = m.candidate.layout.branches.filter((b) => b.kind === "sequential");
      expect(seq).toHaveLength(d.groups === d.c ? 1 : 2);
      const h = d.k >> 1;
      for (const b of seq)
        expect(b.kind === "sequential" && [b.padding, b.pads, b.stride]).toEqual([
          "first-output",
          [h, h, h, h],
          [d.stride, d.stride],
        ]);
    },
  );

  it("lines up asymmetric pads that agree: TF SAME at stride 2 on an even input, BNAndPad padding (0, 1)", async () => {
    const d: Dbb = {
      c: 3,
      o: 4,
      stride: 2,
      groups: 1,
      k: 3,
      bnForm: "mul-add",
      after: { kind: "valid" },
      pads: [0, 0, 1, 1],
      originPadding: { kind: "same-upper" },
    };
    const m = await fuseAndCompare(dbbNodes(d), [8, 8], 3);
    expect(m.candidate.layout.inputSize).toEqual([8, 8]);
    const plan = planBlock(m.candidate.layout);
    expect(plan.ok && plan.plan.pads).toEqual([0, 0, 1, 1]);
  });

  it("reads a kxk with pads of its own after BNAndPad as zero padding: exact when the BN maps 0 to 0, else refused", async () => {
    // origin 5x5 pads 3 and Pad 1 -> BN -> 3x3 pads 1 both give H + 2 rows; the 3x3 sits at offset 1.
    const block = (after: NeutralOp) => [
      node("o/conv", convOp(2, 2, 5, { padding: explicit(3) }), ["x"]),
      node("o/bn", bnOp(2), ["o/conv"]),
      node("s/one", convOp(3, 2, 1), ["x"]),
      node("s/pad", { kind: "pad", pads: [1, 1, 1, 1] }, ["s/one"]),
      node("s/bn", after, ["s/pad"]),
      node("s/kxk", convOp(2, 3, 3, { padding: explicit(1) }), ["s/bn"]),
      node("sum", { kind: "add" }, ["o/bn", "s/kxk"]),
    ];
    const scaled = block({ kind: "affine", scale: vec(3, 0.5, 1.5) });
    const m = await fuseAndCompare(scaled, [5, 4], 2);
    const b = m.candidate.layout.branches[1]!;
    expect(b.kind === "sequential" && [b.padding, b.pads]).toEqual(["zero", [2, 2, 2, 2]]);
    const bn = (await matchBlocks(graphView(block(bnOp(3)), ["sum"]))).matches[0]!;
    const plan = planBlock(bn.candidate.layout);
    expect(!plan.ok && plan.refusal.reason).toBe("SEQUENTIAL_PADDING");
  });

  it("keeps reading the plain form conv_kxk(Pad0(BN(conv_1x1(X)))) with zero padding (exact only if the BN maps 0 to 0)", async () => {
    const block = (bn: NeutralOp) => [
      node("o/conv", convOp(2, 2, 3, { padding: explicit(1) }), ["x"]),
      node("s/one", convOp(2, 2, 1), ["x"]),
      node("s/bn", bn, ["s/one"]),
      node("s/pad", { kind: "pad", pads: [1, 1, 1, 1] }, ["s/bn"]),
      node("s/kxk", convOp(2, 2, 3), ["s/pad"]),
      node("sum", { kind: "add" }, ["o/conv", "s/kxk"]),
    ];
    const m = await fuseAndCompare(block({ kind: "affine", scale: vec(2) }), [4, 5], 2);
    const b = m.candidate.layout.branches[1]!;
    expect(b.kind === "sequential" && [b.padding, b.pads]).toEqual(["zero", [1, 1, 1, 1]]);
    const refused = planBlock((await matchBlocks(graphView(block(bnOp(2)), ["sum"]))).matches[0]!.candidate.layout);
    expect(!refused.ok && refused.refusal.reason).toBe("SEQUENTIAL_PADDING");
  });
});
