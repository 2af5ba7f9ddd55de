// verifyBlocks on a block merged from blocks (core's matchBlocks rounds): its reference reads its parts'
// float64 fusions, so each part is checked too, against its own branches; a wrong part is found and named.
import { describe, expect, it } from "vitest";
import {
  decide,
  graphView,
  matchBlocks,
  type Candidate,
  type ConstRef,
  type GraphNodeView,
  type NeutralOp,
} from "@reparam/core";
import { randomBatchNorm, randomFloat32, seededRandom } from "@reparam/test-utils";
import { verifyBlocks } from "../src/index.js";

const rand = seededRandom(77);
const C = 4;
const constOf = (values: Float32Array, shape: number[]): ConstRef => ({ shape, values: async () => values });
const conv = (o: number, i: number, k: number, pad: number): NeutralOp => ({
  kind: "conv",
  kernel: constOf(randomFloat32(rand, o * i * k * k), [o, i, k, k]),
  stride: [1, 1],
  padding: { kind: "explicit", pads: [pad, pad, pad, pad] },
  dilation: [1, 1],
  groups: 1,
});
const bn = (c: number): NeutralOp => {
  const b = randomBatchNorm(rand, c);
  return {
    kind: "batchnorm",
    gamma: constOf(b.gamma, [c]),
    beta: constOf(b.beta, [c]),
    mean: constOf(b.mean, [c]),
    variance: constOf(b.variance, [c]),
    eps: 1e-5,
  };
};
const node = (id: string, op: NeutralOp, inputs: string[]): GraphNodeView => ({ id, op, inputs, outputs: [id] });

/** A sum (3x3 + BN, 1x1 + BN) then an unpadded narrowing 3x3 + BN: one block merged from two. */
function nodes(): GraphNodeView[] {
  return [
    node("s/k3", conv(C, C, 3, 1), ["x"]),
    node("s/k3/bn", bn(C), ["s/k3"]),
    node("s/k1", conv(C, C, 1, 0), ["x"]),
    node("s/k1/bn", bn(C), ["s/k1"]),
    node("s/add", { kind: "add" }, ["s/k3/bn", "s/k1/bn"]),
    node("n/conv", conv(2, C, 3, 0), ["s/add"]),
    node("n/bn", bn(2), ["n/conv"]),
    node("relu", { kind: "other" }, ["n/bn"]),
  ];
}

async function mergedCandidate(): Promise<Candidate> {
  const { matches } = await matchBlocks(graphView(nodes(), ["relu"], () => [8, 8]));
  expect(matches).toHaveLength(1);
  return matches[0]!.candidate;
}

describe("verifyBlocks on a merged block", () => {
  it("checks the merged block and, against their own branches, the sum and the conv + BN it was merged from", async () => {
    const merged = await mergedCandidate();
    expect(merged.parts?.map((p) => p.family)).toEqual(["repvgg", "conv-bn"]);
    const report = await verifyBlocks(decide([merged], {}), { backend: "cpu" });
    expect(report.blocks.map((b) => [b.name, b.status])).toEqual([
      [merged.name, "passed"],
      ...merged.parts!.map((p) => [`${p.name} (part of ${merged.name})`, "passed"]),
    ]);
    expect(report.passed).toBe(true);
  });

  it("fails the part whose fusion is wrong (its 1x1 placed off the 3x3's centre), naming it", async () => {
    const merged = await mergedCandidate();
    const part = merged.parts![0]!;
    if (part.plan?.ok !== true) throw new Error("the part is planned");
    const plan = part.plan.plan;
    // A planning bug: the second branch (the 1x1) lands at the corner of the fused 3x3 instead of its centre.
    const placements = plan.placements.map((p, i) => (i === 1 ? { offsetY: 0, offsetX: 0 } : p));
    const broken: Candidate = { ...merged, parts: [{ ...part, plan: { ok: true, plan: { ...plan, placements } } }] };
    const report = await verifyBlocks(decide([broken], {}), { backend: "cpu" });
    expect(report.blocks.map((b) => [b.name, b.status])).toEqual([
      [merged.name, "passed"],
      [`${part.name} (part of ${merged.name})`, "failed"],
    ]);
    expect(report.passed).toBe(false);
  });
});
