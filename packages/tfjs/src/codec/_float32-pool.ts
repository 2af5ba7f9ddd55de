/**
 * Float32 arrays handed out, given back after use, and handed out again, so
 * that large per-block arrays (tens of MB) reuse memory already mapped rather
 * than fault in fresh zeroed pages for every block: on big models that costs
 * as much as the arithmetic.
 */
export interface Float32Pool {
  /**
   * An array of exactly `n` elements with stale contents: the caller
   * overwrites every element before reading any.
   */
  take(n: number): Float32Array;
  /**
   * Gives back an array from {@link Float32Pool.take}, which its holder must
   * not use any more. Anything else (an array this pool did not hand out, or
   * one given back already) is ignored, so a stray call cannot recycle memory
   * someone else owns.
   */
  give(a: Float32Array): void;
}

/**
 * A {@link Float32Pool} keeping at most `keep` free arrays (the largest);
 * `take` hands out the smallest free one that is large enough, else a new one.
 */
export function float32Pool(keep = 2): Float32Pool {
  const free: Float32Array[] = [];
  const lent = new WeakSet<ArrayBufferLike>(); // weak: an array never given back is collected, not kept
  return {
    take(n) {
      let best = -1;
      for (const [k, a] of free.entries()) if (a.length >= n && (best < 0 || a.length < free[best]!.length)) best = k;
      const whole = best < 0 ? new Float32Array(n) : free.splice(best, 1)[0]!;
      lent.add(whole.buffer);
      return whole.subarray(0, n);
    },
    give(a) {
      if (!lent.delete(a.buffer)) return;
      free.push(new Float32Array(a.buffer));
      if (free.length > keep) {
        free.sort((x, y) => y.length - x.length);
        free.length = keep;
      }
    },
  };
}
