/** Summary of a set of element errors. */
export interface ErrorStats {
  readonly max: number;
  readonly mean: number;
  readonly median: number;
  /** 99th percentile, linear interpolation between closest ranks (numpy.percentile's default). */
  readonly p99: number;
}

/**
 * Max, mean, median and 99th percentile of `values` (which it sorts in place);
 * `null` when there are none.
 */
export function errorStats(values: Float64Array): ErrorStats | null {
  const n = values.length;
  if (n === 0) return null;
  values.sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  return { max: values[n - 1]!, mean: sum / n, median: percentile(values, 50), p99: percentile(values, 99) };
}

/**
 * The `q`-th percentile of sorted values: numpy's "linear" method,
 * `x[lo] + (x[hi] - x[lo]) * frac` at position `(n - 1) * q / 100`.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo]!;
  return a + (sorted[hi]! - a) * (pos - lo);
}
