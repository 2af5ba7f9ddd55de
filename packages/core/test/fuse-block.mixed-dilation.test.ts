import fc from "fast-check";
import { randomBatchNorm, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { planBlock, type Block, type Branch, type Pads, type Pair } from "../src/index.js";
import { convBranch, identityBranch, randomInput } from "./block-fixtures.js";
import { expectEquivalent } from "./expect-equivalent.js";

// Blocks whose branches dilate differently, 1x1 -> kxk (DBB's sequential kind) among them, fused and compared
// in float64 with the branches run separately by the naive reference conv (@reparam/test-utils' conv2d),
// borders included: within expectEquivalent's 1e-11 x max(1, max|y|) (float64 summation order only).
const RUNS = 150;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** DBB's 1x1 (+bias, BN) -> kxk (+BN) padded with what the 1x1 gives for a zero input (BNAndPad). */
function sequential(
  rand: () => number,
  o: number,
  c: number,
  k: Pair,
  opts: { dilation: Pair; pads: Pads; stride?: Pair },
): Branch {
  const m = 3;
  return {
    kind: "sequential",
    first: {
      kernel: { data: randomFloat32(rand, m * c), shape: [m, c, 1, 1] },
      bias: randomFloat32(rand, m),
      bn: randomBatchNorm(rand, m),
    },
    second: { kernel: { data: randomFloat32(rand, o * m * k[0] * k[1]), shape: [o, m, k[0], k[1]] } },
    stride: opts.stride ?? [1, 1],
    pads: opts.pads,
    dilation: opts.dilation,
    groups: 1,
    padding: "first-output",
  };
}

/** One axis of a branch: extent k at dilation d, and the begin pad that leaves `total` = begin + end - (k - 1) d. */
interface AxisSpec {
  readonly k: number;
  readonly d: number;
  readonly begin: number;
}

const axis = fc.record({
  k: fc.constantFrom(1, 2, 3, 5),
  d: fc.constantFrom(1, 2, 3, 4),
  begin: fc.integer({ min: 0, max: 12 }),
});

/** Begin / end pads so that every branch gives the same output size: begin + end - (k - 1) d = `slack`. */
function pads(h: AxisSpec, w: AxisSpec, slackH: number, slackW: number): Pads {
  const bh = Math.min(h.begin, slackH + (h.k - 1) * h.d);
  const bw = Math.min(w.begin, slackW + (w.k - 1) * w.d);
  return [bh, bw, slackH + (h.k - 1) * h.d - bh, slackW + (w.k - 1) * w.d - bw];
}

describe("fuseBlock with branches of different dilations", () => {
  it(`equals the branches run separately for random conv and 1x1 -> kxk branches at dilations 1-4, any offsets (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.record({ seq: fc.boolean(), h: axis, w: axis }), { minLength: 2, maxLength: 4 }),
        fc.constantFrom(1, 2),
        fc.boolean(),
        (s, specs, st, withIdentity) => {
          const rand = seededRandom(s);
          const c = 3;
          const stride: Pair = [st, st];
          // Slack 0 keeps the output the input's size (stride 1): the identity can join.
          const slack = withIdentity && st === 1 ? 0 : 1;
          const padsOf = specs.map(({ h, w }) => pads(h, w, slack, slack));
          const branches: Branch[] = specs.map(({ seq, h, w }, i) => {
            const opts = { dilation: [h.d, w.d] as Pair, pads: padsOf[i]!, stride };
            return seq
              ? sequential(rand, c, c, [h.k, w.k], opts)
              : convBranch(rand, c, c, h.k, w.k, { ...opts, bias: true });
          });
          if (withIdentity && st === 1) branches.push(identityBranch(rand, c));
          const block: Block = { name: "mixed", inChannels: c, branches };
          const plan = planBlock(block);
          if (!plan.ok) throw new Error(`${plan.refusal.reason}: ${plan.refusal.message}`);
          // The block dilation is the gcd of every tap step: the dilations of the branches wider than 1
          // and the offsets at which they start (the identity starts at 0 with the largest begin pad).
          const grid = (a: 0 | 1) => {
            const begins = padsOf.map((p) => p[a]!);
            const begin = Math.max(...begins);
            return (
              specs.reduce(
                (g, sp, i) => {
                  const { k, d } = a === 0 ? sp.h : sp.w;
                  return gcd(gcd(g, k > 1 ? d : 0), begin - begins[i]!);
                },
                withIdentity && st === 1 ? begin : 0,
              ) || 1
            );
          };
          expect(plan.plan.dilation).toEqual([grid(0), grid(1)]);
          expectEquivalent(block, randomInput(rand, 1, c, 7 + (s % 5), 6 + (s % 7)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("fuses a 1x1 -> 3x3 at dilation 2 with a 3x3 at dilation 3 into a 7x7 at dilation 1", () => {
    const rand = seededRandom(3);
    const block: Block = {
      name: "m",
      inChannels: 2,
      branches: [
        convBranch(rand, 2, 2, 3, 3, { dilation: [3, 3], pads: [3, 3, 3, 3] }),
        sequential(rand, 2, 2, [3, 3], { dilation: [2, 2], pads: [2, 2, 2, 2] }),
      ],
    };
    const plan = planBlock(block);
    expect(plan.ok && [plan.plan.kernelShape, plan.plan.dilation, plan.plan.placements]).toEqual([
      [2, 2, 7, 7],
      [1, 1],
      [
        { offsetY: 0, offsetX: 0, stepY: 3, stepX: 3 },
        { offsetY: 1, offsetX: 1, stepY: 2, stepX: 2 },
      ],
    ]);
    expectEquivalent(block, randomInput(rand, 2, 2, 9, 8));
  });

  it("keeps dilation 2 for a 1x1 -> 3x3 at dilation 4 with a 3x3 at dilation 2, the sequence's taps 2 apart", () => {
    const rand = seededRandom(4);
    const block: Block = {
      name: "d",
      inChannels: 3,
      branches: [
        convBranch(rand, 4, 3, 3, 3, { dilation: [2, 2], pads: [2, 2, 2, 2] }),
        sequential(rand, 4, 3, [3, 3], { dilation: [4, 4], pads: [4, 4, 4, 4] }),
      ],
    };
    const plan = planBlock(block);
    expect(plan.ok && [plan.plan.kernelShape, plan.plan.dilation]).toEqual([
      [4, 3, 5, 5],
      [2, 2],
    ]);
    expectEquivalent(block, randomInput(rand, 1, 3, 10, 11));
  });
});
