import fc from "fast-check";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fuseChannels, fuseInto, planBlock, type Block } from "../src/index.js";
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

describe("fuseInto's fast path computes exactly what the row engine computes", () => {
  it("bit for bit, float64 and float32, across RepVGG / QARepVGG / ACNet / grouped / MobileOne / avg-pool shapes (300 runs)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom(1, 2, 4), (s, kind, g) => {
        const r = seededRandom(s);
        const c = 8;
        const branches: Block["branches"][number][] = [convBranch(r, c, c, 3, 3, { groups: g })];
        if (kind === 0) branches.push(convBranch(r, c, c, 1, 1, { groups: g }), identityBranch(r, c));
        if (kind === 1) branches.push(convBranch(r, c, c, 1, 1, { bn: false }), identityBranch(r, c, true));
        if (kind === 2) branches.push(convBranch(r, c, c, 3, 1, { pads: [1, 0, 1, 0] }), convBranch(r, c, c, 1, 3, { pads: [0, 1, 0, 1] }));
        if (kind === 3) branches.push(convBranch(r, c, c, 3, 3, { groups: g }), identityBranch(r, c));
        if (kind === 4) branches.push({ kind: "avgpool", size: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], bn: bn(r, c) }, convBranch(r, c, c, 1, 1, { groups: g }));
        const block: Block = { name: "b", inChannels: c, branches, ...(kind === 1 ? { postBn: bn(r, c) } : {}) };
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
      }),
      { numRuns: 300 },
    );
  });
});
