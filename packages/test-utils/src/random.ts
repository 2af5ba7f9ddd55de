/** A seeded PRNG (mulberry32): deterministic across runs and machines. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n uniform values in [lo, hi), float64. */
export function randomArray(rand: () => number, n: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/** n uniform values in [lo, hi) rounded to float32. */
export function randomFloat32(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from(randomArray(rand, n, lo, hi));
}

/** Random BatchNorm statistics like the conformance fixtures: gamma in [0.5,1.5], mean ~ ±0.2, var in [0.5, 2]. */
export function randomBatchNorm(rand: () => number, channels: number, eps = 1e-5) {
  return {
    gamma: randomFloat32(rand, channels, 0.5, 1.5),
    beta: randomFloat32(rand, channels, -0.5, 0.5),
    mean: randomFloat32(rand, channels, -0.2, 0.2),
    variance: randomFloat32(rand, channels, 0.5, 2),
    eps,
  };
}

/** Largest |a - b| over two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Largest |x| of an array. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** max|actual - expected| / max|expected|: how the conformance fixtures state a model output's error. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  return maxAbsDiff(actual, expected) / maxAbs(expected);
}
