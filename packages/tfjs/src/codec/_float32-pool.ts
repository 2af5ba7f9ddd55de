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

/** A pooled array and the most elements ever lent from it (the part of it touched, so mapped). */
type Slot = { readonly whole: Float32Array; used: number };

/**
 * A {@link Float32Pool} keeping at most `keep` free arrays (the largest).
 * `take` hands out a free array large enough, preferring one whose touched
 * part already covers the request (the least such), else the most touched,
 * so that each use keeps to the memory it mapped before; else a new one of
 * `reserve()` elements when that is more: a model's blocks grow, and an
 * array sized once for the largest maps only the pages used, as they are
 * used, instead of new memory at each size.
 */
export function float32Pool(keep = 2, reserve: () => number = () => 0): Float32Pool {
  const free: Slot[] = [];
  const lent = new WeakMap<ArrayBufferLike, Slot>(); // weak: an array never given back is collected, not kept
  return {
    take(n) {
      let best: Slot | undefined;
      for (const s of free) {
        if (s.whole.length < n) continue;
        const better =
          best === undefined ||
          (s.used >= n ? best.used < n || s.used < best.used : best.used < n && s.used > best.used);
        if (better) best = s;
      }
      if (best === undefined) best = { whole: new Float32Array(Math.max(n, reserve())), used: 0 };
      else free.splice(free.indexOf(best), 1);
      best.used = Math.max(best.used, n);
      lent.set(best.whole.buffer, best);
      return best.whole.subarray(0, n);
    },
    give(a) {
      const slot = lent.get(a.buffer);
      if (slot === undefined) return;
      lent.delete(a.buffer);
      free.push(slot);
      if (free.length > keep) {
        free.sort((x, y) => y.whole.length - x.whole.length || y.used - x.used);
        free.length = keep;
      }
    },
  };
}
