import fc from "fast-check";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { hwioFusable, oihwToHwio, planBlock, type Block, type Branch } from "../src/index.js";
import { fuseInto } from "../src/engine/fuse-into.js";
import { fuseIntoHwio } from "../src/engine/fuse-hwio.js";
import { bn, convBranch, identityBranch } from "./block-fixtures.js";

/** The block with every conv kernel's values in HWIO order (shapes stay OIHW): what fuseIntoHwio reads. */
function toHwio(block: Block): Block {
  const branches = block.branches.map(
    (b): Branch =>
      b.kind === "conv"
        ? {
            ...b,
            kernel: { data: Float32Array.from(oihwToHwio(b.kernel.data, b.kernel.shape).data), shape: b.kernel.shape },
          }
        : b,
  );
  return { ...block, branches };
}

/**
 * Dense blocks of the shapes fuseIntoHwio takes: 0 RepVGG (identity last), 1
 * QARepVGG (bare 1x1, bare identity, post-BN), 2 conv+BN alone, 3 identity
 * before the 1x1, 4 stride 2 with TF 'same' pads (1x1 at the top-left), 5 two
 * 1x1s with biases, 6 a 5x5 lead with a 3x3-free 1x1.
 */
function denseBlock(r: () => number, kind: number, c: number): Block {
  const k = kind === 6 ? 5 : 3;
  const branches: Branch[] = [convBranch(r, c, c, k, k, { bias: kind === 5 })];
  if (kind === 0) branches.push(convBranch(r, c, c, 1, 1), identityBranch(r, c));
  if (kind === 1) branches.push(convBranch(r, c, c, 1, 1, { bn: false }), identityBranch(r, c, true));
  if (kind === 3) branches.push(identityBranch(r, c), convBranch(r, c, c, 1, 1));
  if (kind === 4) {
    branches[0] = convBranch(r, c, c, 3, 3, { stride: [2, 2], pads: [0, 0, 1, 1] });
    branches.push(convBranch(r, c, c, 1, 1, { stride: [2, 2] }));
  }
  if (kind === 5)
    branches.push(convBranch(r, c, c, 1, 1, { bias: true }), convBranch(r, c, c, 1, 1, { bias: true, bn: false }));
  if (kind === 6) branches.push(convBranch(r, c, c, 1, 1), identityBranch(r, c));
  return {
    name: "b",
    inChannels: c,
    branches,
    ...(kind === 1 ? { postBn: bn(r, c) } : {}),
    ...(kind === 4 ? { inputSize: [8, 8] as const } : {}),
  };
}

describe("fuseIntoHwio", () => {
  it("computes fuseInto's bits in TF's layout, bit for bit, float32 and float64, every dense RepVGG shape (300 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        (s, kind, c) => {
          const block = denseBlock(seededRandom(s), kind, c);
          const planned = planBlock(block);
          if (!planned.ok) throw new Error(planned.refusal.message);
          const plan = planned.plan;
          expect(hwioFusable(block, plan)).toBe(true);
          const [o, i, kh, kw] = plan.kernelShape;
          for (const Storage of [Float32Array, Float64Array]) {
            const want = new Storage(o * i * kh * kw);
            const wantBias = new Storage(o);
            fuseInto(block, plan, want, wantBias);
            const got = new Storage(want.length);
            const gotBias = new Storage(o);
            fuseIntoHwio(toHwio(block), plan, got, gotBias);
            expect(got).toEqual(Storage.from(oihwToHwio(want, plan.kernelShape).data));
            expect(gotBias).toEqual(wantBias);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is not offered for grouped, depthwise, MobileOne, ACNet, average-pool or DBB blocks, and refuses them if called", () => {
    const r = seededRandom(3);
    const c = 4;
    const shapes: Block[] = [
      {
        name: "grouped",
        inChannels: c,
        branches: [convBranch(r, c, c, 3, 3, { groups: 2 }), convBranch(r, c, c, 1, 1, { groups: 2 })],
      },
      { name: "depthwise", inChannels: c, branches: [convBranch(r, c, c, 3, 3, { groups: c }), identityBranch(r, c)] },
      { name: "mobileone", inChannels: c, branches: [convBranch(r, c, c, 3, 3), convBranch(r, c, c, 3, 3)] },
      {
        name: "acnet",
        inChannels: c,
        branches: [convBranch(r, c, c, 3, 3), convBranch(r, c, c, 1, 3, { pads: [0, 1, 0, 1] })],
      },
      {
        name: "avg",
        inChannels: c,
        branches: [
          convBranch(r, c, c, 3, 3),
          { kind: "avgpool", size: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], bn: bn(r, c) },
        ],
      },
      { name: "identity-first", inChannels: c, branches: [identityBranch(r, c), convBranch(r, c, c, 3, 3)] },
    ];
    for (const block of shapes) {
      const planned = planBlock(block);
      if (!planned.ok) throw new Error(planned.refusal.message);
      expect(hwioFusable(block, planned.plan), block.name).toBe(false);
      expect(() => fuseIntoHwio(block, planned.plan, new Float32Array(1e3), new Float32Array(c)), block.name).toThrow(
        /hwioFusable/,
      );
    }
  });
});
