import fc from "fast-check";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { avgPoolKernel, fuseBlock, type Block, type Branch } from "../src/index.js";
import { bn, convBranch, identityBranch, randomInput } from "./block-fixtures.js";
import { expectEquivalent } from "./expect-equivalent.js";

const RUNS = 200;

const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const size = fc.integer({ min: 3, max: 9 });

describe("fuseBlock (fast-check)", () => {
  it(`equals the sum of branches for RepVGG 3x3 + 1x1 + identity BN, any groups incl. depthwise (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(seed, fc.constantFrom(1, 2, 4, 8), fc.constantFrom(4, 8), size, size, (s, g0, c, h, w) => {
        const r = seededRandom(s);
        const g = Math.min(g0, c);
        const block: Block = {
          name: "b",
          inChannels: c,
          branches: [
            convBranch(r, c, c, 3, 3, { groups: g }),
            convBranch(r, c, c, 1, 1, { groups: g }),
            identityBranch(r, c),
          ],
        };
        expectEquivalent(block, randomInput(r, 1, c, h, w));
      }),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches at stride 2 without identity, odd and even sizes (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), size, size, (s, c, o, h, w) => {
        const r = seededRandom(s);
        const block: Block = {
          name: "b",
          inChannels: c,
          branches: [convBranch(r, o, c, 3, 3, { stride: [2, 2] }), convBranch(r, o, c, 1, 1, { stride: [2, 2] })],
        };
        expectEquivalent(block, randomInput(r, 1, c, h, w));
      }),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches for MobileOne: k over-parameterized kxk branches + 1x1 scale + identity, dense or depthwise (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        seed,
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.constantFrom(1, 3),
        size,
        (s, k, dw, kk, h) => {
          const r = seededRandom(s);
          const c = 4;
          const g = dw ? c : 1;
          const branches: Branch[] = [];
          for (let i = 0; i < k; i++) branches.push(convBranch(r, c, c, kk, kk, { groups: g }));
          if (kk > 1) branches.push(convBranch(r, c, c, 1, 1, { groups: g }));
          branches.push(identityBranch(r, c));
          expectEquivalent({ name: "b", inChannels: c, branches }, randomInput(r, 1, c, h, h + 1));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches for ACNet 3x3 + 3x1 + 1x3, stride 1 or 2 (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(seed, fc.constantFrom(1, 2), size, size, (s, st, h, w) => {
        const r = seededRandom(s);
        const c = 3;
        const o = 5;
        const stride = [st, st] as const;
        const block: Block = {
          name: "b",
          inChannels: c,
          branches: [
            convBranch(r, o, c, 3, 3, { stride }),
            convBranch(r, o, c, 3, 1, { stride, pads: [1, 0, 1, 0] }),
            convBranch(r, o, c, 1, 3, { stride, pads: [0, 1, 0, 1] }),
          ],
        };
        expectEquivalent(block, randomInput(r, 1, c, h, w));
      }),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches for QARepVGG: 3x3+BN, bare 1x1, bare identity, post-sum BN (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(seed, size, (s, h) => {
        const r = seededRandom(s);
        const c = 6;
        const block: Block = {
          name: "b",
          inChannels: c,
          branches: [convBranch(r, c, c, 3, 3), convBranch(r, c, c, 1, 1, { bn: false }), identityBranch(r, c, true)],
          postBn: bn(r, c),
        };
        expectEquivalent(block, randomInput(r, 1, c, h, h));
      }),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches with a conv bias before BN, and BN eps 1e-3 with tiny variances (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(seed, size, (s, h) => {
        const r = seededRandom(s);
        const c = 4;
        const id = {
          kind: "identity" as const,
          bn: { ...bn(r, c, 1e-3), variance: Float32Array.from([1e-6, 0, 2, 1e-6]) },
        };
        const block: Block = {
          name: "b",
          inChannels: c,
          branches: [
            convBranch(r, c, c, 3, 3, { bias: true, eps: 1e-3 }),
            convBranch(r, c, c, 1, 1, { bias: true, eps: 1e-3 }),
            id,
          ],
        };
        expectEquivalent(block, randomInput(r, 1, c, h, h));
      }),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches for TF 'same' at stride 2: pads (0,0,1,1) on even sizes put the 1x1 at the top-left; (1,1,1,1) on odd (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 2, max: 5 }), (s, half) => {
        const r = seededRandom(s);
        for (const n of [2 * half, 2 * half + 1]) {
          // TF SAME: total pad = max((ceil(n/2) - 1) * 2 + 3 - n, 0), the extra pad at the end.
          const total = Math.max((Math.ceil(n / 2) - 1) * 2 + 3 - n, 0);
          const p0 = total >> 1;
          const p1 = total - p0;
          const block: Block = {
            name: "b",
            inChannels: 3,
            inputSize: [n, n],
            branches: [
              convBranch(r, 4, 3, 3, 3, { stride: [2, 2], pads: [p0, p0, p1, p1] }),
              convBranch(r, 4, 3, 1, 1, { stride: [2, 2], pads: [0, 0, 0, 0] }),
            ],
          };
          const res = fuseBlock(block);
          expect(res.ok).toBe(true);
          if (res.ok && n % 2 === 0) expect(res.conv.kernel.data[4 * 0 + 0]).not.toBe(0); // top-left holds the 1x1
          expectEquivalent(block, randomInput(r, 1, 3, n, n));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches for DBB: 1x1 -> kxk (BN-padded), kxk, 1x1, avg-pool + BN, 1x1 -> BN-padded avg-pool + BN (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(seed, fc.constantFrom(1, 2), fc.constantFrom(1, 2), size, (s, g, st, h) => {
        const r = seededRandom(s);
        const c = 6; // 6 / g input channels per group: the four-at-a-time sums and the remainder
        const m = 4;
        const stride = [st, st] as const;
        const first = convBranch(r, m, c, 1, 1, { groups: g, bias: true });
        const second = convBranch(r, c, m, 3, 3, { groups: g });
        const seq: Branch = {
          kind: "sequential",
          first: {
            kernel: first.kernel,
            ...(first.bias ? { bias: first.bias } : {}),
            ...(first.bn ? { bn: first.bn } : {}),
          },
          second: { kernel: second.kernel, ...(second.bn ? { bn: second.bn } : {}) },
          stride,
          pads: [1, 1, 1, 1],
          dilation: [1, 1],
          groups: g,
          padding: "first-output",
        };
        // DBB's dbb_avg: 1x1 conv + BNAndPad, then a 3x3 average pool (a kernel zero off its diagonal) + BN.
        const avgFirst = convBranch(r, c, c, 1, 1, { groups: g, bias: true });
        const avgSeq: Branch = {
          kind: "sequential",
          first: {
            kernel: avgFirst.kernel,
            ...(avgFirst.bias ? { bias: avgFirst.bias } : {}),
            ...(avgFirst.bn ? { bn: avgFirst.bn } : {}),
          },
          second: { kernel: avgPoolKernel(c, g, 3, 3), bn: bn(r, c) },
          stride,
          pads: [1, 1, 1, 1],
          dilation: [1, 1],
          groups: g,
          padding: "first-output",
        };
        const block: Block = {
          name: "b",
          inChannels: c,
          branches: [
            convBranch(r, c, c, 3, 3, { groups: g, stride }),
            convBranch(r, c, c, 1, 1, { groups: g, stride }),
            seq,
            { kind: "avgpool", size: [3, 3], stride, pads: [1, 1, 1, 1], bn: bn(r, c) },
            avgSeq,
          ],
        };
        expectEquivalent(block, randomInput(r, 1, c, h, h + 1));
      }),
      { numRuns: RUNS },
    );
  });

  it(`equals the sum of branches when mixed groups expand to their gcd, and for a dilated 3x3 with 1x1 and identity (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(seed, fc.constantFrom([2, 1], [4, 2], [2, 3], [6, 4]), size, (s, [g1, g2], h) => {
        const r = seededRandom(s);
        const c = 12;
        const mixed: Block = {
          name: "b",
          inChannels: c,
          branches: [
            convBranch(r, c, c, 3, 3, { groups: g1! }),
            convBranch(r, c, c, 1, 1, { groups: g2! }),
            identityBranch(r, c),
          ],
        };
        expectEquivalent(mixed, randomInput(r, 1, c, h, h));
        const dilated: Block = {
          name: "d",
          inChannels: 4,
          branches: [
            convBranch(r, 4, 4, 3, 3, { dilation: [2, 2], pads: [2, 2, 2, 2] }),
            convBranch(r, 4, 4, 1, 1),
            identityBranch(r, 4),
          ],
        };
        expectEquivalent(dilated, randomInput(r, 1, 4, h, h));
      }),
      { numRuns: RUNS },
    );
  });
});
