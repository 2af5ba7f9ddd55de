import fc from "fast-check";
import { maxAbs, maxAbsDiff, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fuseBlock, planBlock, type Block } from "../src/index.js";
import { bn, convBranch, identityBranch, randomInput } from "./block-fixtures.js";
import { evaluateBlock, evaluateBranch, evaluateFused } from "./evaluate-block.js";

const RUNS = 300;
const pad = fc.integer({ min: 0, max: 2 });

describe("fuseBlock: refusals, exactly when equivalence fails", () => {
  it("refuses a stride mismatch", () => {
    const r = seededRandom(1);
    const res = fuseBlock({
      name: "s",
      inChannels: 2,
      branches: [convBranch(r, 2, 2, 3, 3, { stride: [2, 2] }), convBranch(r, 2, 2, 1, 1)],
    });
    expect(res.ok || res.refusal.reason).toBe("STRIDE_MISMATCH");
  });

  it("refuses identity next to stride 2, and identity with in != out", () => {
    const r = seededRandom(2);
    const s2 = fuseBlock({
      name: "a",
      inChannels: 2,
      branches: [convBranch(r, 2, 2, 3, 3, { stride: [2, 2] }), identityBranch(r, 2)],
    });
    expect(s2.ok || s2.refusal.reason).toBe("IDENTITY_IMPOSSIBLE");
    const io = fuseBlock({ name: "b", inChannels: 2, branches: [convBranch(r, 3, 2, 3, 3), identityBranch(r, 2)] });
    expect(io.ok || io.refusal.reason).toBe("CHANNEL_MISMATCH");
  });

  it("refuses dilation that misplaces a smaller branch so that the output sizes differ", () => {
    const r = seededRandom(3);
    const mis = fuseBlock({
      name: "d",
      inChannels: 2,
      branches: [
        convBranch(r, 2, 2, 3, 3, { dilation: [2, 2], pads: [2, 2, 2, 2] }),
        convBranch(r, 2, 2, 1, 1, { pads: [1, 1, 1, 1] }),
      ],
    });
    expect(mis.ok || mis.refusal.reason).toMatch(/DILATION_MISALIGNED|PADS_MISALIGNED/);
  });

  it("refuses NaN or negative variance, and zero-padded 1x1 -> kxk whose 1x1 has a bias", () => {
    const r = seededRandom(4);
    const bad = { ...bn(r, 2), variance: Float32Array.from([1, Number.NaN]) };
    const res = fuseBlock({
      name: "n",
      inChannels: 2,
      branches: [convBranch(r, 2, 2, 3, 3), { kind: "identity", bn: bad }],
    });
    expect(res.ok || res.refusal.reason).toBe("BAD_BATCH_NORM");
    const neg = { ...bn(r, 2), variance: Float32Array.from([1, -1]) };
    const res2 = planBlock({ name: "n", inChannels: 2, branches: [{ kind: "identity", bn: neg }] });
    expect(res2.ok || res2.refusal.reason).toBe("BAD_BATCH_NORM");
    const f = convBranch(r, 2, 2, 1, 1, { bias: true, bn: false });
    const s = convBranch(r, 2, 2, 3, 3, { bn: false });
    const seq = fuseBlock({
      name: "q",
      inChannels: 2,
      branches: [
        {
          kind: "sequential",
          first: { kernel: f.kernel, bias: f.bias! },
          second: { kernel: s.kernel },
          stride: [1, 1],
          pads: [1, 1, 1, 1],
          dilation: [1, 1],
          groups: 1,
          padding: "zero",
        },
      ],
    });
    expect(seq.ok || seq.refusal.reason).toBe("SEQUENTIAL_PADDING");
  });

  it(`fuses iff every branch gives the same output size when the input size is known, and then exactly (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        pad,
        pad,
        pad,
        pad,
        pad,
        pad,
        pad,
        pad,
        fc.integer({ min: 3, max: 8 }),
        fc.constantFrom(1, 2),
        (s, a, b, c, d, e, f, g, h, n, st) => {
          const r = seededRandom(s);
          const stride = [st, st] as const;
          const block: Block = {
            name: "p",
            inChannels: 2,
            inputSize: [n, n + 1],
            branches: [
              convBranch(r, 3, 2, 3, 3, { stride, pads: [a, b, c, d] }),
              convBranch(r, 3, 2, 1, 1, { stride, pads: [e, f, g, h] }),
            ],
          };
          const x = randomInput(r, 1, 2, n, n + 1);
          const shapes = block.branches.map((br) => evaluateBranch(br, x).shape.join("x"));
          const res = fuseBlock(block);
          if (shapes[0] !== shapes[1]) {
            expect(res.ok || res.refusal.reason).toBe("OUTPUT_SIZE_MISMATCH");
            return;
          }
          if (!res.ok) {
            // Same output size but no conv with non-negative pads covers both windows.
            expect(res.refusal.reason).toBe("PADS_MISALIGNED");
            return;
          }
          const want = evaluateBlock(block, x);
          expect(maxAbsDiff(evaluateFused(res.conv, x).data, want.data)).toBeLessThanOrEqual(
            1e-11 * Math.max(1, maxAbs(want.data)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`fuses only when exact for every size when the input size is unknown (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        pad,
        pad,
        pad,
        pad,
        pad,
        pad,
        fc.constantFrom(1, 2),
        (s, a, b, c, e, f, g, st) => {
          const r = seededRandom(s);
          const stride = [st, st] as const;
          const block: Block = {
            name: "p",
            inChannels: 2,
            branches: [
              convBranch(r, 2, 2, 3, 3, { stride, pads: [a, b, c, b] }),
              convBranch(r, 2, 2, 1, 1, { stride, pads: [e, f, g, f] }),
            ],
          };
          const res = fuseBlock(block);
          let everySizeSame = true;
          for (let n = 3; n <= 8; n++) {
            const x = randomInput(r, 1, 2, n, n);
            const shapes = block.branches.map((br) => evaluateBranch(br, x).shape.join("x"));
            if (shapes[0] !== shapes[1]) everySizeSame = false;
            else if (res.ok) {
              const want = evaluateBlock(block, x);
              expect(maxAbsDiff(evaluateFused(res.conv, x).data, want.data)).toBeLessThanOrEqual(
                1e-11 * Math.max(1, maxAbs(want.data)),
              );
            }
          }
          if (res.ok) expect(everySizeSame).toBe(true);
          // Pad sums that match on both axes line up for every size at stride 1: must fuse.
          if (st === 1 && a + c === e + g + 2 && b === f + 1) expect(res.ok).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
