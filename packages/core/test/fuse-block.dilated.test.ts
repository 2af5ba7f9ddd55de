import fc from "fast-check";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fuseBlock, planBlock, type Block, type Branch } from "../src/index.js";
import { convBranch, identityBranch, randomInput } from "./block-fixtures.js";
import { expectEquivalent } from "./expect-equivalent.js";

const RUNS = 100;

/** A centred depthwise k x k branch at dilation r (UniRepLKNet's `dil_conv_k{k}_{r}`). */
function dilated(rand: () => number, c: number, k: number, r: number, groups: number): Branch {
  const p = (r * (k - 1)) >> 1;
  return convBranch(rand, c, c, k, k, { groups, dilation: [r, r], pads: [p, p, p, p] });
}

/** UniRepLKNet's branch lists per main kernel size (kernel sizes, dilations). */
const UNIREPLKNET: Record<number, readonly (readonly [number, number])[]> = {
  5: [
    [3, 1],
    [3, 2],
  ],
  7: [
    [5, 1],
    [3, 2],
    [3, 3],
  ],
  9: [
    [5, 1],
    [5, 2],
    [3, 3],
    [3, 4],
  ],
};

describe("fuseBlock with dilated branches", () => {
  it(`equals the sum of branches for UniRepLKNet's main kernel + dilated depthwise branches (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(5, 7, 9),
        fc.integer({ min: 4, max: 12 }),
        (s, k, h) => {
          const rand = seededRandom(s);
          const c = 3;
          const branches: Branch[] = [convBranch(rand, c, c, k, k, { groups: c })];
          for (const [kb, r] of UNIREPLKNET[k]!) branches.push(dilated(rand, c, kb, r, c));
          const block: Block = { name: "b", inChannels: c, branches };
          const plan = planBlock(block);
          expect(plan.ok && plan.plan.kernelShape).toEqual([c, 1, k, k]);
          expect(plan.ok && plan.plan.dilation).toEqual([1, 1]);
          expectEquivalent(block, randomInput(rand, 1, c, h, h + 1));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches for dense mixed dilations, an identity and a 1x1, at any stride (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 2),
        fc.constantFrom(2, 3),
        fc.integer({ min: 5, max: 11 }),
        (s, st, r, h) => {
          const rand = seededRandom(s);
          const c = 4;
          const stride = [st, st] as const;
          const branches: Branch[] = [
            convBranch(rand, c, c, 3, 3, { stride }),
            convBranch(rand, c, c, 3, 3, { stride, dilation: [r, r], pads: [r, r, r, r] }),
            convBranch(rand, c, c, 1, 1, { stride }),
          ];
          if (st === 1) branches.push(identityBranch(rand, c));
          expectEquivalent({ name: "b", inChannels: c, branches }, randomInput(rand, 1, c, h, h));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("keeps the common dilation when every branch shares it (a 3x3 at dilation 2 with a centred 1x1)", () => {
    const rand = seededRandom(5);
    const block: Block = {
      name: "d2",
      inChannels: 2,
      branches: [
        convBranch(rand, 2, 2, 3, 3, { dilation: [2, 2], pads: [2, 2, 2, 2] }),
        convBranch(rand, 2, 2, 1, 1, { pads: [0, 0, 0, 0] }),
      ],
    };
    const plan = planBlock(block);
    expect(plan.ok && plan.plan.dilation).toEqual([2, 2]);
    expect(plan.ok && plan.plan.kernelShape).toEqual([2, 2, 3, 3]);
    expectEquivalent(block, randomInput(rand, 1, 2, 9, 9));
  });

  it("fuses a 3x3 at dilation 2 with a 3x3 average pool (the pool stays dense, the conv spreads)", () => {
    const rand = seededRandom(7);
    const block: Block = {
      name: "p",
      inChannels: 3,
      branches: [
        convBranch(rand, 3, 3, 3, 3, { dilation: [2, 2], pads: [2, 2, 2, 2] }),
        { kind: "avgpool", size: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1] },
      ],
    };
    const plan = planBlock(block);
    expect(plan.ok && plan.plan.kernelShape).toEqual([3, 3, 5, 5]);
    expectEquivalent(block, randomInput(rand, 1, 3, 7, 8));
  });

  it("places a 3x3 at dilation 3 with zeros between its taps in a 7x7 block kernel", () => {
    const rand = seededRandom(6);
    const main = convBranch(rand, 1, 1, 7, 7, { bn: false });
    const zeroed = { ...main, kernel: { data: new Float32Array(49), shape: main.kernel.shape } };
    const d3 = convBranch(rand, 1, 1, 3, 3, { dilation: [3, 3], pads: [3, 3, 3, 3], bn: false });
    const r = fuseBlock({ name: "z", inChannels: 1, branches: [zeroed, d3] });
    if (!r.ok) throw new Error(r.refusal.message);
    const taps = [...r.conv.kernel.data.keys()].filter((i) => r.conv.kernel.data[i] !== 0);
    expect(taps).toEqual([0, 3, 6, 21, 24, 27, 42, 45, 48]);
  });

  it("refuses mixed dilations that would spread into a kernel of more than 127 taps (DILATION_MISMATCH)", () => {
    const rand = seededRandom(8);
    const r = 2 ** 32; // a hostile dilation_rate
    const res = planBlock({
      name: "h",
      inChannels: 2,
      branches: [convBranch(rand, 2, 2, 3, 3), convBranch(rand, 2, 2, 3, 3, { dilation: [r, 1], pads: [r, 1, r, 1] })],
    });
    expect(res.ok || res.refusal.reason).toBe("DILATION_MISMATCH");
    expect(res.ok || res.refusal.message).toMatch(/at most 127/);
  });
});
