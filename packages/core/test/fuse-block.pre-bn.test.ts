import fc from "fast-check";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fuseTo, planBlock, type Block } from "../src/index.js";
import { bn, convBranch, identityBranch, randomInput } from "./block-fixtures.js";
import { expectEquivalent } from "./expect-equivalent.js";

const RUNS = 100;

const unpadded = [0, 0, 0, 0] as const;

describe("fuseBlock with a BatchNorm before the branches", () => {
  it(`equals BN -> Linear (a 1x1 conv with bias, RepViT's BN_Linear) for any widths (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (s, c, o) => {
          const r = seededRandom(s);
          const linear = convBranch(r, o, c, 1, 1, { bias: true, bn: false });
          const block: Block = { name: "l", inChannels: c, preBn: bn(r, c), branches: [linear] };
          expectEquivalent(block, randomInput(r, 3, c, 1, 1));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`equals BN -> two unpadded grouped 3x3s with a post-BN, and BN -> identity BN (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(1, 2, 4), (s, g) => {
        const r = seededRandom(s);
        const c = 4;
        // Two valid 3x3s (no pads): the fused conv reads no padding, so the BN's shift folds exactly.
        const plain: Block = {
          name: "b",
          inChannels: c,
          preBn: bn(r, c),
          branches: [
            convBranch(r, c, c, 3, 3, { groups: g, pads: unpadded }),
            convBranch(r, c, c, 3, 3, { groups: g, pads: unpadded }),
          ],
          postBn: bn(r, c),
        };
        expectEquivalent(plain, randomInput(r, 1, c, 6, 7));
        const withId: Block = { name: "i", inChannels: c, preBn: bn(r, c), branches: [identityBranch(r, c)] };
        expectEquivalent(withId, randomInput(r, 1, c, 3, 3));
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses a pre-BN before a padded conv, naming the pads (PRE_BN_PADDED)", () => {
    const r = seededRandom(9);
    const res = planBlock({ name: "p", inChannels: 3, preBn: bn(r, 3), branches: [convBranch(r, 3, 3, 3, 3)] });
    expect(res.ok || res.refusal.reason).toBe("PRE_BN_PADDED");
    expect(res.ok || res.refusal.message).toMatch(/pads 1,1,1,1/);
  });

  it("refuses a pre-BN whose length is not the input channels (CHANNEL_MISMATCH)", () => {
    const r = seededRandom(10);
    const res = planBlock({ name: "c", inChannels: 3, preBn: bn(r, 4), branches: [convBranch(r, 2, 3, 1, 1)] });
    expect(res.ok || res.refusal.reason).toBe("CHANNEL_MISMATCH");
  });

  it("rounds the fused float64 values once into float32 and float16 storage", () => {
    const r = seededRandom(11);
    const block: Block = {
      name: "r",
      inChannels: 5,
      preBn: bn(r, 5),
      branches: [convBranch(r, 3, 5, 1, 1, { bias: true, bn: false })],
    };
    const plan = planBlock(block);
    if (!plan.ok) throw new Error(plan.refusal.message);
    const f64 = fuseTo(block, plan.plan, { dtype: "f64" });
    const f32 = fuseTo(block, plan.plan, { dtype: "f32" });
    expect([...f32.kernel]).toEqual([...Float32Array.from(f64.kernel)]);
    expect([...f32.bias]).toEqual([...Float32Array.from(f64.bias)]);
    expect(fuseTo(block, plan.plan, { dtype: "f16" }).kernel).toBeInstanceOf(Uint16Array);
  });
});
