import { describe, expect, it } from "vitest";
import type { Block, Branch } from "../src/block/block.js";
import { planBlock } from "../src/block/plan-block.js";
import { fuseWithPlan } from "../src/engine/fuse-block.js";

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 30 - 1;
  });
}

describe("the 1x1 -> kxk composition", () => {
  // Channel counts that leave a remainder after tiles of 4, kernel sizes whose positions leave one after tiles of 3.
  it.each([
    [7, 5, 3, 3],
    [9, 6, 2, 2],
    [5, 3, 1, 3],
    [4, 8, 3, 1],
    [3, 2, 2, 3],
  ])(
    "gives, for C=%d, M=%d and a %dx%d kernel, the naive float64 sum over m ascending, bit for bit",
    (c, m, kh, kw) => {
      const o = 6;
      const k1 = values(m * c, c * 31 + m);
      const k2 = values(o * m * kh * kw, kh * 7 + kw);
      const seq: Branch = {
        kind: "sequential",
        first: { kernel: { data: k1, shape: [m, c, 1, 1] } },
        second: { kernel: { data: k2, shape: [o, m, kh, kw] } },
        stride: [1, 1],
        pads: [0, 0, 0, 0],
        dilation: [1, 1],
        groups: 1,
        padding: "zero",
      };
      const block: Block = { name: "b", inChannels: c, branches: [seq] };
      const planned = planBlock(block);
      if (!planned.ok) throw new Error(planned.refusal.message);
      const fused = fuseWithPlan(block, planned.plan);
      const naive = new Float64Array(o * c * kh * kw);
      for (let oc = 0; oc < o; oc++)
        for (let ci = 0; ci < c; ci++)
          for (let j = 0; j < kh * kw; j++) {
            let acc = 0;
            for (let mi = 0; mi < m; mi++) acc += k2[(oc * m + mi) * kh * kw + j]! * k1[mi * c + ci]!;
            naive[(oc * c + ci) * kh * kw + j] = acc;
          }
      expect(fused.kernel.shape).toEqual([o, c, kh, kw]);
      expect(Array.from(fused.kernel.data)).toEqual(Array.from(naive));
    },
  );
});
