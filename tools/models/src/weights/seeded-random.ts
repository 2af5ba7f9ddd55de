/** A deterministic stream of random numbers (mulberry32; period 2^32, ample for one tensor). */
export interface SeededRandom {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Fills `out` with U(lo, hi). */
  uniform(out: Float32Array, lo: number, hi: number): Float32Array;
  /** Fills `out` with N(mean, sigma^2) (Box-Muller). */
  normal(out: Float32Array, mean: number, sigma: number): Float32Array;
}

/**
 * The random stream of one tensor: a function of the model seed and the
 * tensor's name only, so that a tensor has the same values whatever else
 * the model holds, in whatever order it is written, in every format.
 */
export function seededRandom(seed: number, name: string): SeededRandom {
  // FNV-1a over the name's UTF-16 code units, mixed with the seed.
  let h = 0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1);
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform(out, lo, hi) {
      const w = hi - lo;
      for (let i = 0; i < out.length; i++) out[i] = lo + w * next();
      return out;
    },
    normal(out, mean, sigma) {
      for (let i = 0; i < out.length; i += 2) {
        // 1 - u in (0, 1]: the log is finite.
        const r = sigma * Math.sqrt(-2 * Math.log(1 - next()));
        const t = 2 * Math.PI * next();
        out[i] = mean + r * Math.cos(t);
        if (i + 1 < out.length) out[i + 1] = mean + r * Math.sin(t);
      }
      return out;
    },
  };
}
