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
 * moves the output by at most u_w sum |W||x| <= u_w M_fused. Weights
 * stored on an affine grid (uint8/uint16 re-quantized) add `grid`, their
 * own allowance per element ({@link gridAllowance}).
 */
export function blockBound(
  mBranches: ArrayLike<number>,
  mFused: ArrayLike<number>,
  terms: number,
  weightUnit: number = UNIT_ROUNDOFF.float32,
  grid?: ArrayLike<number>,
): Float64Array {
  const u = UNIT_ROUNDOFF.float32;
  const c = (BLOCK_BOUND_FACTOR + 2 * Math.sqrt(terms)) * u;
  const uw = weightUnit > u ? weightUnit : 0;
  const out = new Float64Array(mBranches.length);
  for (let i = 0; i < out.length; i++) out[i] = c * (mBranches[i]! + mFused[i]!) + uw * mFused[i]! + (grid?.[i] ?? 0);
  return out;
}

/** The conv a {@link gridAllowance} is for: its geometry and kernel shape (OIHW). */
export interface GridConv {
  readonly kernel: { readonly shape: readonly number[] };
  readonly stride: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/**
 * What weights stored on an affine grid (uint8/uint16 re-quantized) may add
 * to a block's bound, per output element of the conv, laid out [1, O, OH, OW]:
 *
 *     step.kernel * sum |x| over the element's window + step.bias
 *
 * Each stored kernel value is within half a grid step of the exact fused one
 * (`step.kernel`, beyond the float32 rounding the float32 term covers), so
 * the conv's output moves by at most step.kernel * sum |x| over the inputs
 * it reads (in/groups channels, kh x kw taps, padding reads 0); the bias by
 * step.bias. A weight off by more than half a step (a wrong grid, a wrong
 * byte) is outside it whenever its input is large enough to matter.
 *
 * @param x - the input [1, C, H, W], row-major.
 */
export function gridAllowance(
  conv: GridConv,
  step: { readonly kernel: number; readonly bias: number },
  x: ArrayLike<number>,
  inputShape: readonly number[],
): Float64Array {
  const [, c = 1, h = 1, w = 1] = inputShape;
  const [o = 1, iPer = 1, kh = 1, kw = 1] = conv.kernel.shape;
  const [sy, sx] = conv.stride;
  const [dy, dx] = conv.dilation;
  const [pt, pl, pb, pr] = conv.pads;
  const oh = Math.floor((h + pt + pb - dy * (kh - 1) - 1) / sy) + 1;
  const ow = Math.floor((w + pl + pr - dx * (kw - 1) - 1) / sx) + 1;
  const groups = conv.groups;
  const perGroup = o / groups;
  const out = new Float64Array(o * oh * ow);
  for (let g = 0; g < groups; g++) {
    // sum |x| over the window is the same for every output channel of a group.
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++) {
        let s = 0;
        for (let ci = g * iPer; ci < (g + 1) * iPer && ci < c; ci++)
          for (let ky = 0; ky < kh; ky++) {
            const iy = y * sy - pt + ky * dy;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = xx * sx - pl + kx * dx;
              if (ix >= 0 && ix < w) s += Math.abs(x[(ci * h + iy) * w + ix]!);
            }
          }
        const v = step.kernel * s + step.bias;
        for (let k = g * perGroup; k < (g + 1) * perGroup; k++) out[(k * oh + y) * ow + xx] = v;
      }
  }
  return out;
}

/**
 * A fused block's relative storage step, for {@link storageTolerances}: the
 * unit roundoff of its weights' dtype beyond float32 (2^-11 float16), plus,
 * for weights on an affine grid, half a step over the kernel's range. 0 for
 * float32 storage.
 */
export function storageStep(conv: {
  readonly unit: number;
  readonly kernel: { readonly data: ArrayLike<number> };
  readonly weightStep?: { readonly kernel: number };
}): number {
  const half = conv.unit > UNIT_ROUNDOFF.float32 ? conv.unit : 0;
  if (conv.weightStep === undefined) return half;
  let lo = Infinity;
  let hi = -Infinity;
  const d = conv.kernel.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i]! < lo) lo = d[i]!;
    if (d[i]! > hi) hi = d[i]!;
  }
  return half + (hi > lo ? conv.weightStep.kernel / (hi - lo) : 0);
}
