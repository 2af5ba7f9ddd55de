import { BLOCK_BOUND_FACTOR } from "@reparam/validate";
import type { BlockSpec, BnSpec, BranchSpec } from "./block-spec.js";
import { bnAffine } from "./map-spec.js";
import type { Reference } from "./reference.js";
import type { Nchw } from "./spelling.js";

/** Unit roundoff u of the formats a runtime computes or stores in. */
export const UNIT = { float32: 2 ** -24, float16: 2 ** -11, bfloat16: 2 ** -8 } as const;

/*
 * The rule, per output element:  |y - R| <= (16 u + 2 sqrt(n) u32) * M + tiny,
 * n the products per output element (in channels * kh * kw), u the unit
 * roundoff of the spelling's storage (float32, float16, bfloat16), u32 =
 * 2^-24 the one runtimes accumulate in: the same factors as
 * @reparam/validate's blockBound (BLOCK_BOUND_FACTOR, 2 sqrt(n)).
 *
 * R is the block evaluated in float64 from the values the spelling stored; M
 * is the same evaluation with every weight, bias, BN scale t = gamma /
 * sqrt(var + eps) and shift (|beta| + |mean t|) and the input in absolute
 * value. Whatever order a runtime sums in, every product and partial sum it
 * forms is bounded by a term of M (triangle inequality), and so is every
 * value a conversion stores: |W'| = |sum of branch kernels * t| <= sum of
 * |kernel| |t|, |b'| <= sum |beta| + |mean t| + |bias t|. Hence:
 * - rounding the fused weights and bias once to the storage format costs
 *   at most u * M (one relative rounding of each term);
 * - the runtime's products and sums cost gamma_k * M, k the depth of its
 *   summation tree plus the roundings between ops (BN after conv, the Adds,
 *   the post-BN): with blocked/pairwise accumulation k <= log2(n) + a few,
 *   and n <= 16 * 49 * 4 here, so k <= 15;
 * - the original and the converted model are each within that of R.
 * 16 u M covers both with the worst realistic k for blocked sums; a runtime
 * that adds the n terms of an output one after another (TF.js's CPU conv)
 * has errors growing like sqrt(n) u M for terms of random sign (Higham &
 * Mary), seen at 14.6 u M for n = 784 and 1.03 x 16 u M in a 20,000-block
 * run before the 2 sqrt(n) term was added (strictly sequential sums of one
 * sign could reach n u M; random signs do not).
 *
 * tiny covers what relative bounds cannot: roundings into the subnormal
 * range, absolute errors of at most half a subnormal step nu each. The
 * converted conv stores at most `terms` weights per output (|x| <= 1) plus a
 * bias; the original model rounds a few intermediate tensors, each then
 * scaled by the BNs after it (branch |t|, then the post-BN's |t|).
 *
 */

/** Half the smallest subnormal step of the format whose unit roundoff is `unit` (bfloat16 shares float32's range). */
function halfSubnormal(unit: number): number {
  return unit === UNIT.float16 ? 2 ** -25 : 2 ** -150;
}

function maxScale(bns: readonly BnSpec[]): number {
  let m = 1;
  for (const bn of bns) for (const t of bnAffine(bn).scale) m = Math.max(m, Math.abs(t));
  return m;
}

function branchBns(spec: BlockSpec): BnSpec[] {
  return spec.branches.flatMap((b) => {
    if (b.kind === "conv" || b.kind === "identity" || b.kind === "avgpool") return b.bn === undefined ? [] : [b.bn];
    return [b.first.bn, b.second?.bn, b.pool?.bn].filter((x): x is BnSpec => x !== undefined);
  });
}

/** The spatial window a branch reads x through: its (last) kernel, its pool, or 1x1 for an identity. */
export function kernelSizeOf(b: BranchSpec): readonly number[] {
  if (b.kind === "conv") return b.kernel.shape.slice(2);
  if (b.kind === "avgpool") return b.size;
  if (b.kind === "sequential") return b.second?.kernel.shape.slice(2) ?? b.pool!.size;
  return [1, 1];
}

/** Products per output element of the block's widest conv (in channels * kh * kw), at most. */
export function productsPerOutput(spec: BlockSpec): number {
  let kh = 1;
  let kw = 1;
  for (const b of spec.branches) {
    const size = kernelSizeOf(b);
    kh = Math.max(kh, size[0]!);
    kw = Math.max(kw, size[1]!);
  }
  return spec.inChannels * kh * kw;
}

/** The absolute slack `tiny` of {@link elementBound} for a block stored with unit roundoff `unit`. */
export function tinyTerm(spec: BlockSpec, unit: number): number {
  const terms = productsPerOutput(spec) + 1;
  const tb = maxScale(branchBns(spec));
  const tp = spec.postBn === undefined ? 1 : maxScale([spec.postBn]);
  // Up to 8 intermediate roundings per path: before the branch BN (x tb x tp), before the post-BN (x tp), at the output.
  return halfSubnormal(unit) * (terms + 8 * (tb * tp + tp + 1));
}

/** The largest |y - R| allowed for an element of magnitude `m` in a block of `terms` products per output: (16 u + 2 sqrt(terms) u32) m + tiny. */
export function elementBound(m: number, unit: number, tiny: number, terms: number): number {
  return (BLOCK_BOUND_FACTOR * unit + 2 * Math.sqrt(terms) * UNIT.float32) * m + tiny;
}

/** The worst element of a comparison (largest excess over its bound). */
export interface OutputCheck {
  readonly ok: boolean;
  /** max |y - R| / bound over the elements: <= 1 when ok. */
  readonly excess: number;
  /** Elements that are NaN or infinite (in `actual`). */
  readonly nonFinite: number;
  readonly worst: {
    readonly index: number;
    readonly actual: number;
    readonly expected: number;
    readonly diff: number;
    readonly bound: number;
  };
  /** Set when the shapes differ. */
  readonly shapeError?: string;
}

/** Checks a runtime output against the reference, element by element, within {@link elementBound}. */
export function checkOutput(actual: Nchw, ref: Reference, unit: number, tiny: number, terms: number): OutputCheck {
  const want = ref.value;
  const worst = { index: -1, actual: 0, expected: 0, diff: 0, bound: 0 };
  if (actual.shape.join() !== want.shape.join()) {
    return {
      ok: false,
      excess: Infinity,
      nonFinite: 0,
      worst,
      shapeError: `shape [${actual.shape.join(",")}], expected [${want.shape.join(",")}]`,
    };
  }
  let nonFinite = 0;
  let excess = -Infinity;
  for (let i = 0; i < want.data.length; i++) {
    const a = actual.data[i]!;
    if (!Number.isFinite(a)) nonFinite++;
    const e = want.data[i]!;
    const diff = Math.abs(a - e);
    const bound = elementBound(ref.magnitude.data[i]!, unit, tiny, terms);
    const over = Number.isFinite(diff) ? diff / bound : Infinity;
    if (over > excess) {
      excess = over;
      Object.assign(worst, { index: i, actual: a, expected: e, diff, bound });
    }
  }
  return { ok: nonFinite === 0 && excess <= 1, excess, nonFinite, worst };
}
