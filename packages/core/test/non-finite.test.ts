// The NaN class of issue #17: a post-sum affine (BN spelled as Mul + Add constants) on a block
// whose output channels outnumber its input's was composed over the input's channels, so every
// output channel from cin up read past the vectors' end and fused to NaN. Each spelling is a case.
import { randomBatchNorm, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fuseTo, graphView, matchBlocks, planBlock, type Block, type GraphNodeView, type Pads } from "../src/index.js";
import { expectFusionEqualsGraph, node, nodeMakers } from "./graph-nodes.js";

const r = seededRandom(17);
const { constOf, bn: bnOp, conv: plainConv } = nodeMakers(r);
/** A k x k conv with a bias, at `stride`, with explicit `pads`. */
const conv = (o: number, i: number, k: number, stride: number, pads: Pads) =>
  plainConv(o, i, k, 0, {
    bias: constOf(randomFloat32(r, o), [o]),
    stride: [stride, stride],
    padding: { kind: "explicit", pads },
  });

/** How the post-sum BatchNorm of a QARepVGG block is spelled. */
const POST: Record<string, (c: number) => GraphNodeView[]> = {
  "BatchNormalization node": (c) => [node("post", bnOp(c), ["sum"])],
  "Mul + Add constants (ONNX)": (c) => [
    node("mul", { kind: "affine", scale: constOf(randomFloat32(r, c), [c]) }, ["sum"]),
    node("post", { kind: "affine", shift: constOf(randomFloat32(r, c), [c]) }, ["mul"]),
  ],
  "batchnorm/mul + batchnorm/sub as Mul + AddV2 (TF.js graph)": (c) => [
    node("bn/mul", { kind: "affine", scale: constOf(randomFloat32(r, c), [c]) }, ["sum"]),
    node("post", { kind: "affine", shift: constOf(randomFloat32(r, c), [c]) }, ["bn/mul"]),
  ],
  "one affine node with scale and shift": (c) => [
    node(
      "post",
      { kind: "affine", scale: constOf(randomFloat32(r, c), [c]), shift: constOf(randomFloat32(r, c), [c]) },
      ["sum"],
    ),
  ],
};

/** QARepVGG without identity (cin != cout): 3x3 (+ Pad, VALID) and a 1x1 on the unpadded input, summed, then the post chain. */
function qarepvgg(
  cin: number,
  cout: number,
  stride: number,
  pad: Pads,
  post: (c: number) => GraphNodeView[],
): GraphNodeView[] {
  return [
    node("pad", { kind: "pad", pads: pad }, ["x"]),
    node("dense", conv(cout, cin, 3, stride, [0, 0, 0, 0]), ["pad"]),
    node("one", conv(cout, cin, 1, stride, [0, 0, 0, 0]), ["x"]),
    node("sum", { kind: "add" }, ["dense", "one"]),
    ...post(cout),
    node("relu", { kind: "other" }, ["post"]),
  ];
}

describe("a post-sum affine on a block that widens (no identity)", () => {
  const cases: Array<[number, number, Pads, number]> = [
    [1, 1, [1, 1, 1, 1], 8], // stride 1, symmetric pad
    [2, 2, [1, 1, 1, 1], 9], // stride 2, symmetric pad, odd size
    [2, 2, [0, 0, 1, 1], 8], // stride 2, TF 'same' on an even size: pad bottom/right only, the 1x1 at the top-left
  ];
  for (const [name, spell] of Object.entries(POST)) {
    for (const [, stride, pad, size] of cases) {
      it(`${name}, stride ${stride}, pads ${pad.join(",")}, ${size}x${size}: fuses over the output channels`, async () => {
        const nodes = qarepvgg(3, 13, stride, pad, spell);
        const { matches, refused } = await matchBlocks(
          graphView(nodes, ["relu"], (t) => (t === "x" ? [size, size] : undefined)),
        );
        expect(refused).toEqual([]);
        expect(matches).toHaveLength(1);
        // float64 fusion vs float64 evaluation of the graph (NaN would fail it): only summation order differs.
        await expectFusionEqualsGraph(r, nodes, matches[0]!, 3, [size, size]);
      });
    }
  }

  it("refuses (CHANNEL_MISMATCH) a post-sum vector of neither 1 nor the output channel count", async () => {
    const nodes = qarepvgg(3, 13, 1, [1, 1, 1, 1], () => [
      node("post", { kind: "affine", scale: constOf(randomFloat32(r, 3), [3]) }, ["sum"]),
    ]);
    const { matches, refused } = await matchBlocks(graphView(nodes, ["relu"]));
    expect(matches).toEqual([]);
    expect(refused.map((x) => x.reason)).toEqual(["CHANNEL_MISMATCH"]);
    expect(refused[0]!.message).toContain("'post' scale");
  });
});

describe("planBlock: per-channel vectors against the channels they apply to", () => {
  const kernel = (o: number, i: number, k: number) => ({
    data: Float64Array.from(randomFloat32(r, o * i * k * k)),
    shape: [o, i, k, k] as const,
  });
  const geo = { stride: [1, 1] as const, pads: [1, 1, 1, 1] as const, dilation: [1, 1] as const, groups: 1 };
  const base: Block = { name: "b", inChannels: 3, branches: [{ kind: "conv", kernel: kernel(5, 3, 3), ...geo }] };

  it("refuses a post-BN with the input's channel count (CHANNEL_MISMATCH)", () => {
    const plan = planBlock({ ...base, postBn: randomBatchNorm(r, 3) });
    expect(plan.ok ? undefined : plan.refusal.reason).toBe("CHANNEL_MISMATCH");
  });

  it("refuses a bias of the wrong length (CHANNEL_MISMATCH) and a non-finite one (NON_FINITE)", () => {
    const withBias = (bias: number[]) =>
      planBlock({
        ...base,
        branches: [{ ...(base.branches[0] as Extract<Block["branches"][number], { kind: "conv" }>), bias }],
      });
    const short = withBias([1, 2, 3]);
    expect(short.ok ? undefined : short.refusal.reason).toBe("CHANNEL_MISMATCH");
    const nan = withBias([1, 2, NaN, 4, 5]);
    expect(nan.ok ? undefined : nan.refusal.reason).toBe("NON_FINITE");
  });

  it("refuses a BatchNorm holding an infinity (BAD_BATCH_NORM)", () => {
    const bn = randomBatchNorm(r, 5);
    const gamma = Float64Array.from(bn.gamma);
    gamma[2] = Infinity;
    const plan = planBlock({ ...base, postBn: { ...bn, gamma } });
    expect(plan.ok ? undefined : plan.refusal.reason).toBe("BAD_BATCH_NORM");
  });
});

describe("fuseTo's finiteness guard", () => {
  const plain = (values: number[]): Block["branches"][number] => ({
    kind: "conv",
    kernel: { data: Float64Array.from(values), shape: [2, 2, 1, 1] },
    stride: [1, 1],
    pads: [0, 0, 0, 0],
    dilation: [1, 1],
    groups: 1,
  });
  const bn = { gamma: [1, 1e300], beta: [0, 0], mean: [0, 0], variance: [1, 1], eps: 0 };
  const block: Block = {
    name: "blk",
    inChannels: 2,
    branches: [{ ...plain([1, -2, 3, 1e300]), bn } as Block["branches"][number]],
  };
  const planned = planBlock(block);
  if (!planned.ok) throw new Error("planned");

  it("throws CORE_NON_FINITE naming the block, the tensor and the channel when finite inputs overflow", () => {
    for (const dtype of ["f32", "f64", "f16", "bf16"] as const) {
      expect(() => fuseTo(block, planned.plan, { dtype })).toThrowError(
        expect.objectContaining({ code: "CORE_NON_FINITE", where: "block 'blk', fused weight, output channel 1" }),
      );
    }
  });

  it("lets a NaN through that the block's own kernel already holds (the original computes it too)", () => {
    const nan: Block = { ...block, branches: [plain([1, NaN, 3, 4])] };
    const p = planBlock(nan);
    if (!p.ok) throw new Error("planned");
    const f = fuseTo(nan, p.plan, { dtype: "f32" });
    expect(Array.from(f.kernel)).toEqual([1, NaN, 3, 4]);
  });

  it("catches a float16 overflow of a finite float64 value (65520 rounds to infinity)", () => {
    const big: Block = { ...block, branches: [plain([1, 2, 3, 65520])] };
    const p = planBlock(big);
    if (!p.ok) throw new Error("planned");
    expect(() => fuseTo(big, p.plan, { dtype: "f16" })).toThrowError(
      expect.objectContaining({ code: "CORE_NON_FINITE" }),
    );
    expect(Array.from(fuseTo(big, p.plan, { dtype: "f32" }).kernel)).toEqual([1, 2, 3, 65520]);
  });
});
