import { classifierAgreement, type ClassifierAgreement } from "./classifier-agreement.js";
import { errorStats, type ErrorStats } from "./error-stats.js";
import type { NumericTensor } from "./numeric-tensor.js";
import { isClose, type Tolerances } from "./tolerances.js";

/** float32's smallest normal number, 2^-126: the floor of the relative error's denominator (Polygraphy's `np.finfo(float32).tiny`). */
export const RELATIVE_ERROR_FLOOR = 2 ** -126;

/** The element with the largest absolute error. */
export interface WorstElement {
  /** Flat row-major index. */
  readonly index: number;
  /** The same position as coordinates, one per dim. */
  readonly at: readonly number[];
  /** Converted model's value (a). */
  readonly actual: number;
  /** Original model's value (b). */
  readonly expected: number;
  readonly absError: number;
  readonly relError: number;
}

/** Counts of non-finite values on each side. */
export interface NonFiniteCounts {
  readonly actualNaN: number;
  readonly actualInf: number;
  readonly expectedNaN: number;
  readonly expectedInf: number;
}

/**
 * One output compared, Polygraphy style. Errors are over the elements where
 * both values are finite: abs = |a - b|, rel = |a - b| / max(|b|, 2^-126).
 * Stats and tolerance fields are `null` when there are no such elements (or
 * the shapes differ). JSON-serializable: no typed arrays, no NaN.
 */
export interface OutputComparison {
  /** The original model's output name. */
  readonly name: string;
  /** The converted model's output name (the same unless the outputs were paired by position). */
  readonly convertedName: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly passed: boolean;
  /** Why it failed: shape or dtype mismatch, non-finite values, elements out of tolerance. */
  readonly problems: readonly string[];
  readonly elements: number;
  /** Elements that fail the pass rule (see {@link Tolerances}). */
  readonly mismatched: number;
  /** The largest |a - b| / allowance over the finite elements: 1 is at the limit, above fails; `null` when some error has no allowance at all. */
  readonly used: number | null;
  readonly absError: ErrorStats | null;
  readonly relError: ErrorStats | null;
  readonly worst: WorstElement | null;
  /** Smallest atol that would pass at the given rtol: max(|a - b| - rtol * |b|, 0); `null` when none would (NaN). */
  readonly minAtol: number | null;
  /** Smallest rtol that would pass at the given atol: max((|a - b| - atol) / |b|, 0); `null` when none would (b = 0 beyond atol, NaN). */
  readonly minRtol: number | null;
  readonly nonFinite: NonFiniteCounts;
  /** Argmax/top-5 agreement, for 2-D `[N, K]` outputs only. */
  readonly classifier?: ClassifierAgreement;
}

/** Row-major coordinates of a flat index. */
export function unravelIndex(index: number, shape: readonly number[]): number[] {
  const at = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    at[d] = n === 0 ? 0 : index % n;
    index = n === 0 ? 0 : Math.floor(index / n);
  }
  return at;
}

/** max|b| over the finite elements. */
function finiteMax(b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    const v = Math.abs(b[i]!);
    if (v > m && v !== Infinity) m = v;
  }
  return m;
}

/**
 * Compares the converted model's output `actual` (a) with the original's
 * `expected` (b). Passes when shapes and dtypes match and every element
 * satisfies `|a - b| <= atol + rtol * |b| + scale * max|b| + bound[i]`
 * (NaN fails, an infinity passes only against the same infinity).
 *
 * @param bound - a per-element allowance derived from the computation (a block's, see {@link blockBound})
 */
export function compareTensors(
  actual: NumericTensor,
  expected: NumericTensor,
  t: Tolerances,
  bound?: ArrayLike<number>,
): OutputComparison {
  const problems: string[] = [];
  const base = { name: expected.name, convertedName: actual.name, dtype: expected.dtype, shape: [...expected.shape] };
  if (actual.dtype !== expected.dtype) problems.push(`dtype ${actual.dtype}, expected ${expected.dtype}`);
  const sameShape =
    actual.shape.length === expected.shape.length && actual.shape.every((d, i) => d === expected.shape[i]);
  if (!sameShape || actual.data.length !== expected.data.length) {
    problems.push(`shape [${actual.shape.join(", ")}], expected [${expected.shape.join(", ")}]`);
    const nonFinite = { actualNaN: 0, actualInf: 0, expectedNaN: 0, expectedInf: 0 };
    const none = { absError: null, relError: null, worst: null, minAtol: null, minRtol: null, used: null };
    return {
      ...base,
      passed: false,
      problems,
      elements: expected.data.length,
      mismatched: expected.data.length,
      ...none,
      nonFinite,
    };
  }
  const a = actual.data;
  const b = expected.data;
  const n = b.length;
  const abs = new Float64Array(n);
  const rel = new Float64Array(n);
  let finite = 0;
  let mismatched = 0;
  let worstIndex = -1;
  let minAtol: number | null = 0;
  let minRtol: number | null = 0;
  let used: number | null = 0;
  const nf = { actualNaN: 0, actualInf: 0, expectedNaN: 0, expectedInf: 0 };
  const floor = (t.scale ?? 0) * finiteMax(b);
  if (bound !== undefined && bound.length !== n)
    throw new RangeError(`compareTensors: ${bound.length} bounds for ${n} elements`);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (!isClose(x, y, t)) mismatched++;
      countNonFinite(x, nf, "actual");
      countNonFinite(y, nf, "expected");
      // A NaN, or an infinity against anything else, passes at no tolerance.
      if (!(x === y)) {
        minAtol = null;
        minRtol = null;
      }
      continue;
    }
    const d = Math.abs(x - y);
    const m = Math.abs(y);
    const allowed = t.atol + t.rtol * m + floor + (bound === undefined ? 0 : bound[i]!);
    if (!(d <= allowed)) mismatched++;
    if (used !== null && d > 0) used = allowed > 0 ? Math.max(used, d / allowed) : null;
    abs[finite] = d;
    rel[finite] = d / Math.max(m, RELATIVE_ERROR_FLOOR);
    finite++;
    if (worstIndex < 0 || d > Math.abs(a[worstIndex]! - b[worstIndex]!)) worstIndex = i;
    if (minAtol !== null) minAtol = Math.max(minAtol, d - (allowed - t.atol));
    if (minRtol !== null && d > allowed - t.rtol * m)
      minRtol = m === 0 ? null : Math.max(minRtol, (d - (allowed - t.rtol * m)) / m);
  }
  if (minAtol === null) {
    // Some non-finite element fails at any tolerance.
    problems.push(
      `non-finite values: converted ${nf.actualNaN} NaN, ${nf.actualInf} infinite; original ${nf.expectedNaN} NaN, ${nf.expectedInf} infinite`,
    );
  }
  if (mismatched > 0) problems.push(`${mismatched} of ${n} elements outside ${describeRule(t, bound !== undefined)}`);
  const worst = worstIndex < 0 ? null : worstElement(a[worstIndex]!, b[worstIndex]!, worstIndex, expected.shape);
  const classifier = classifierAgreement(a, b, expected.shape);
  return {
    ...base,
    passed: problems.length === 0,
    problems,
    elements: n,
    mismatched,
    absError: errorStats(abs.subarray(0, finite)),
    relError: errorStats(rel.subarray(0, finite)),
    worst,
    minAtol,
    minRtol,
    used,
    nonFinite: nf,
    ...(classifier === undefined ? {} : { classifier }),
  };
}

function worstElement(actual: number, expected: number, index: number, shape: readonly number[]): WorstElement {
  const absError = Math.abs(actual - expected);
  return {
    index,
    at: unravelIndex(index, shape),
    actual,
    expected,
    absError,
    relError: absError / Math.max(Math.abs(expected), RELATIVE_ERROR_FLOOR),
  };
}

function countNonFinite(
  v: number,
  nf: { actualNaN: number; actualInf: number; expectedNaN: number; expectedInf: number },
  side: "actual" | "expected",
): void {
  if (Number.isNaN(v)) nf[`${side}NaN`]++;
  else if (!Number.isFinite(v)) nf[`${side}Inf`]++;
}

/** The pass rule in words: the terms that are not zero. */
export function describeRule(t: Tolerances, bounded: boolean): string {
  const terms = [
    ...(t.atol > 0 ? [`atol ${t.atol}`] : []),
    ...(t.rtol > 0 ? [`rtol ${t.rtol} * |b|`] : []),
    ...((t.scale ?? 0) > 0 ? [`${t.scale} * max|b|`] : []),
    ...(bounded ? ["the block's derived bound"] : []),
  ];
  return terms.length === 0 ? "0 (exact)" : terms.join(" + ");
}
