import { describe, expect, it } from "vitest";
import { scaleBatchNorm } from "./_scale-batch-norm.js";

// y = gamma (x - mean) / sqrt(var + eps) + beta, evaluated in float64.
const apply = (bn: ReturnType<typeof scaleBatchNorm>, c: number, x: number) =>
  (bn.gamma[c]! * (x - bn.mean[c]!)) / Math.sqrt(bn.variance[c]! + bn.eps) + bn.beta[c]!;

describe("scaleBatchNorm", () => {
  const bn = { gamma: [2, -1], beta: [0.5, 3], mean: [1, -2], variance: [3, 0.25], eps: 1e-5 };

  it("multiplies a BatchNorm's output by one value or one per channel, negated on request", () => {
    for (const [scale, negate] of [
      [[0.5], false],
      [[0.5, -4], false],
      [[0.5, -4], true],
    ] as const) {
      const out = scaleBatchNorm(bn, scale, negate, 2);
      for (const c of [0, 1]) {
        const s = (negate ? -1 : 1) * (scale.length === 1 ? scale[0] : scale[c]!);
        for (const x of [-3, 0, 7.25]) expect(apply(out, c, x)).toBeCloseTo(s * apply({ ...bn }, c, x), 12);
      }
      expect(out.eps).toBe(bn.eps);
    }
  });

  it("gives a branch without BatchNorm the exact form gamma = s, beta = 0, mean = 0, var = 1, eps = 0", () => {
    const out = scaleBatchNorm(undefined, [0.1, 3], true, 2);
    const list = (v: ArrayLike<number>) => Array.from(v);
    expect(list(out.gamma)).toEqual([-0.1, -3]);
    expect([list(out.beta), list(out.mean), list(out.variance), out.eps]).toEqual([[0, 0], [0, 0], [1, 1], 0]);
  });
});
