import fc from "fast-check";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { isReparamError, planBlock, type Block, type Branch } from "../src/index.js";
import { fuseChannels } from "../src/engine/fuse-channels.js";
import { fuseInto } from "../src/engine/fuse-into.js";
import { bn, convBranch, identityBranch } from "./block-fixtures.js";

/** The row engine's result, collected into float64 arrays. */
function viaRows(block: Block): { kernel: Float64Array; bias: Float64Array } {
  const plan = planBlock(block);
  if (!plan.ok) throw new Error(plan.refusal.message);
  const [o, i, kh, kw] = plan.plan.kernelShape;
  const kernel = new Float64Array(o * i * kh * kw);
  const bias = new Float64Array(o);
  fuseChannels(block, plan.plan, (oc, row, b) => {
    kernel.set(row, oc * row.length);
    bias[oc] = b;
  });
  return { kernel, bias };
}

/**
 * A random block of one of the shapes each engine serves: 0 RepVGG, 1
 * QARepVGG (post-BN), 2 ACNet, 3 MobileOne (two covering branches), 4 avg
 * pool, 5 a lone conv+BN, 6 a dense 3x3 with a grouped 1x1 and the identity,
 * 7 TF 'same' at stride 2 (the 1x1 at the top-left, not the centre), 8 DBB's
 * 1x1 -> kxk next to a 3x3.
 */
function shapedBlock(r: () => number, kind: number, g: number): Block {
  const c = 8;
  const branches: Branch[] = [convBranch(r, c, c, 3, 3, { groups: kind === 6 ? 1 : g })];
  if (kind === 0) branches.push(convBranch(r, c, c, 1, 1, { groups: g }), identityBranch(r, c));
  if (kind === 1) branches.push(convBranch(r, c, c, 1, 1, { bn: false }), identityBranch(r, c, true));
  if (kind === 2)
    branches.push(convBranch(r, c, c, 3, 1, { pads: [1, 0, 1, 0] }), convBranch(r, c, c, 1, 3, { pads: [0, 1, 0, 1] }));
  if (kind === 3) branches.push(convBranch(r, c, c, 3, 3, { groups: g }), identityBranch(r, c));
  if (kind === 4)
    branches.push(
      { kind: "avgpool", size: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], bn: bn(r, c) },
      convBranch(r, c, c, 1, 1, { groups: g }),
    );
  if (kind === 6) branches.push(convBranch(r, c, c, 1, 1, { groups: g, bias: true }), identityBranch(r, c));
  if (kind === 7) {
    branches[0] = convBranch(r, c, c, 3, 3, { groups: g, stride: [2, 2], pads: [0, 0, 1, 1] });
    branches.push(
      convBranch(r, c, c, 1, 1, { groups: g, stride: [2, 2] }),
      convBranch(r, c, c, 1, 1, { stride: [2, 2], bn: false }),
    );
  }
  if (kind === 8) {
    const first = convBranch(r, c, c, 1, 1, { groups: g, bias: true });
    const second = convBranch(r, c, c, 3, 3, { groups: g });
    branches.push({
      kind: "sequential",
      first,
      second,
      stride: [1, 1],
      pads: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: g,
      padding: "first-output",
    });
  }
  return {
    name: "b",
    inChannels: c,
    branches,
    ...(kind === 1 ? { postBn: bn(r, c) } : {}),
    ...(kind === 7 ? { inputSize: [8, 8] as const } : {}),
  };
}

/** The block with every kernel cut to output channels [from, to) (what `window` expects). */
function windowed(block: Block, from: number, to: number): Block {
  const rows = <K extends { data: Float32Array | Float64Array; shape: readonly [number, number, number, number] }>(
    k: K,
  ) => {
    const n = k.shape[1] * k.shape[2] * k.shape[3];
    return { data: k.data.slice(from * n, to * n), shape: k.shape };
  };
  const branches = block.branches.map((b): Branch => {
    if (b.kind === "conv") return { ...b, kernel: rows(b.kernel) };
    if (b.kind === "sequential") return { ...b, second: { ...b.second, kernel: rows(b.second.kernel) } };
    return b;
  });
  return { ...block, branches };
}

describe("fuseInto's fast path", () => {
  it("computes exactly what the row engine computes, bit for bit, float64 and float32, across RepVGG / QARepVGG / ACNet / grouped / MobileOne / avg-pool / DBB shapes (400 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(1, 2, 4),
        (s, kind, g) => {
          const r = seededRandom(s);
          const block = shapedBlock(r, kind, g);
          const plan = planBlock(block);
          if (!plan.ok) throw new Error(plan.refusal.message);
          const want = viaRows(block);
          const k64 = new Float64Array(want.kernel.length);
          const b64 = new Float64Array(want.bias.length);
          fuseInto(block, plan.plan, k64, b64);
          expect(k64).toEqual(want.kernel);
          expect(b64).toEqual(want.bias);
          const k32 = new Float32Array(want.kernel.length);
          const b32 = new Float32Array(want.bias.length);
          fuseInto(block, plan.plan, k32, b32);
          expect(k32).toEqual(Float32Array.from(want.kernel));
          expect(b32).toEqual(Float32Array.from(want.bias));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("gives exactly those rows of the whole fusion for a window of output channels, from kernels holding only its rows (300 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(1, 2, 4),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 8 }),
        (s, kind, g, a, len) => {
          const r = seededRandom(s);
          const block = shapedBlock(r, kind, g);
          const plan = planBlock(block);
          if (!plan.ok) throw new Error(plan.refusal.message);
          const [o, i, kh, kw] = plan.plan.kernelShape;
          const per = i * kh * kw;
          const from = a;
          const to = Math.min(o, a + len);
          const whole = new Float32Array(o * per);
          const wholeBias = new Float32Array(o);
          fuseInto(block, plan.plan, whole, wholeBias);
          const part = windowed(block, from, to);
          const k = new Float32Array((to - from) * per);
          const b = new Float32Array(to - from);
          fuseInto(part, plan.plan, k, b, { from, to });
          expect(k).toEqual(whole.slice(from * per, to * per));
          expect(b).toEqual(wholeBias.slice(from, to));
          const seen: number[] = [];
          fuseChannels(
            part,
            plan.plan,
            (oc, row) => {
              seen.push(oc);
              expect(Float32Array.from(row)).toEqual(whole.slice(oc * per, (oc + 1) * per));
            },
            undefined,
            { from, to },
          );
          expect(seen).toEqual(Array.from({ length: to - from }, (_, j) => from + j));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a window outside the block or kernels of the wrong number of rows (FUSE_BAD_WINDOW)", () => {
    const block = shapedBlock(seededRandom(7), 0, 1);
    const plan = planBlock(block);
    if (!plan.ok) throw new Error(plan.refusal.message);
    const out = new Float32Array(8 * 72);
    const bias = new Float32Array(8);
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return isReparamError(e) ? e.code : "not a ReparamError";
      }
      return "no error";
    };
    expect(code(() => fuseInto(block, plan.plan, out, bias, { from: 4, to: 9 }))).toBe("FUSE_BAD_WINDOW");
    expect(code(() => fuseInto(block, plan.plan, out, bias, { from: 3, to: 3 }))).toBe("FUSE_BAD_WINDOW");
    expect(code(() => fuseInto(block, plan.plan, out, bias, { from: 0, to: 2 }))).toBe("FUSE_BAD_WINDOW"); // kernels hold all 8 rows
    expect(code(() => fuseInto(windowed(block, 0, 2), plan.plan, out, bias, { from: 0, to: 2 }))).toBe("no error");
  });
});
