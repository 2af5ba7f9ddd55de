import { UNIT_ROUNDOFF } from "@reparam/core";

/**
 * How many units of float32 roundoff, times the block's magnitude, the two
 * float32 computations of a block (its branches, its fused conv) may differ
 * by, before the term that grows with the number of products per output. A
 * float32 sum of n products s = sum w x has |fl(s) - s| <= gamma_n u
 * sum |w||x| at worst; with rounding errors of random sign it grows like
 * sqrt(n) u sum |w||x| when the terms are added one after another (Higham &
 * Mary's probabilistic analysis), and stays near u sum |w||x| when they are
 * added in blocks, as onnxruntime's CPU kernels do. Measured over every fused
 * block of the conformance fixtures and the generated RepVGG A0 / B1g4 / DBB
 * models on onnxruntime's CPU (148 blocks, 3..1728 terms per output,
 * variances down to 1e-6): at most 2.1 u M; TF.js's CPU conv, which adds
 * term after term, reached 14.6 u M at n = 784 in the fuzzer. A weight of a
 * fused conv changed by 1e-3 of its tensor's max|w|, or by 1e-2, moved the
 * output by at least 600 u M in every one of those blocks.
 */
export const BLOCK_BOUND_FACTOR = 16;

/**
 * The per-element bound a block's fused conv must meet against its
 * branches, both run in float32:
 *
 *     |fused - branches| <= (16 + 2 sqrt(n)) u (M_branches + M_fused) + u_w M_fused
 *
 * u = 2^-24; n the products per output of the fused conv (in/groups * kh *
 * kw: the sqrt(n) term covers a runtime that adds them in turn, such as a
 * GPU shader); M_branches and M_fused are the magnitude models' outputs on |x|
 * (every term of each computation in absolute value, see `magnitudeBlock`);
 * u_w is the unit roundoff of the dtype the fused weights are stored in
 * beyond float32 (0 for float32 or float64: their rounding is inside the
 * first term; 2^-11 for float16, 2^-8 for bfloat16): rounding each weight
 * moves the output by at most u_w sum |W||x| <= u_w M_fused.
 */
export function blockBound(
  mBranches: ArrayLike<number>,
  mFused: ArrayLike<number>,
  terms: number,
  weightUnit: number = UNIT_ROUNDOFF.float32,
): Float64Array {
  const u = UNIT_ROUNDOFF.float32;
  const c = (BLOCK_BOUND_FACTOR + 2 * Math.sqrt(terms)) * u;
  const uw = weightUnit > u ? weightUnit : 0;
  const out = new Float64Array(mBranches.length);
  for (let i = 0; i < out.length; i++) out[i] = c * (mBranches[i]! + mFused[i]!) + uw * mFused[i]!;
  return out;
}
