/** How often a classifier's decisions agree, row by row of a `[N, K]` output. */
export interface ClassifierAgreement {
  /** Rows compared (N). */
  readonly rows: number;
  /** Rows whose argmax is the same in both outputs. */
  readonly argmaxAgree: number;
  /** k of the top-k check: min(5, K). */
  readonly k: number;
  /** Rows whose top-k classes are the same set. */
  readonly topKAgree: number;
  /** Mean over rows of |top-k(a) ∩ top-k(b)| / k. */
  readonly topKOverlap: number;
}

/**
 * Argmax and top-5 agreement for classifier-like outputs: 2-D `[N, K]` with
 * K >= 2, compared row by row (ties go to the lower index). `undefined` for
 * any other shape.
 */
export function classifierAgreement(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  shape: readonly number[],
): ClassifierAgreement | undefined {
  if (shape.length !== 2) return undefined;
  const [rows, classes] = shape as [number, number];
  if (classes < 2 || rows < 1) return undefined;
  const k = Math.min(5, classes);
  let argmaxAgree = 0;
  let topKAgree = 0;
  let overlap = 0;
  for (let r = 0; r < rows; r++) {
    const ta = topK(a, r * classes, classes, k);
    const tb = topK(b, r * classes, classes, k);
    if (ta[0] === tb[0]) argmaxAgree++;
    const common = ta.filter((c) => tb.includes(c)).length;
    if (common === k) topKAgree++;
    overlap += common / k;
  }
  return { rows, argmaxAgree, k, topKAgree, topKOverlap: overlap / rows };
}

/** Indices (within the row) of the k largest values, largest first; NaN sorts last. */
function topK(x: ArrayLike<number>, start: number, n: number, k: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const v = (i: number) => {
    const y = x[start + i]!;
    return Number.isNaN(y) ? -Infinity : y;
  };
  idx.sort((i, j) => v(j) - v(i) || i - j);
  return idx.slice(0, k);
}
