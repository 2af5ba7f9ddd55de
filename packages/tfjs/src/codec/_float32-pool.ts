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
  /** Bytes of the free arrays the pool keeps that have been lent (touched, so mapped): at most its budget. */
  readonly kept: number;
}

/** Options of {@link float32Pool}. */
export interface Float32PoolOptions {
  /** Most bytes of free arrays kept, counted as {@link Float32Pool.kept}. */
  readonly budget: () => number;
  /** Elements of a new array when that is more than the request (default none). */
  readonly reserve?: () => number;
}

/** A pooled array and the most elements ever lent from it (the part of it touched, so mapped). */
type Slot = { readonly whole: Float32Array; used: number };

/**
 * A {@link Float32Pool} that keeps free arrays while the bytes they have
 * touched stay within `budget()`, dropping the least recently given back
 * beyond it (an array larger than the budget is served, and dropped when
 * given back). `take` lends a free array large enough, preferring one whose
 * touched part already covers the request (the least such), else the most
 * touched, so that each use keeps to the memory it mapped before; else a new
 * one of `reserve()` elements when that is more: a model's blocks grow, and
 * an array sized once for the largest maps only the pages used, as they are
 * used, instead of new memory at each size. A budget that holds a block's
 * arrays makes no array after the first blocks: arrays dropped and made again
 * are what costs memory (the touched pages of each stay until it is
 * collected, and freed ones leave the allocator holding memory) and time
 * (fresh pages).
 */
export function float32Pool(options: Float32PoolOptions): Float32Pool {
  const { budget, reserve = () => 0 } = options;
  const free: Slot[] = []; // least recently given back first
  const lent = new WeakMap<ArrayBufferLike, Slot>(); // weak: an array never given back is collected, not kept
  let kept = 0; // 4 * used over `free`
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
      else {
        free.splice(free.indexOf(best), 1);
        kept -= 4 * best.used;
      }
      best.used = Math.max(best.used, n);
      lent.set(best.whole.buffer, best);
      return best.whole.subarray(0, n);
    },
    give(a) {
      const slot = lent.get(a.buffer);
      if (slot === undefined) return;
      lent.delete(a.buffer);
      free.push(slot);
      kept += 4 * slot.used;
      const limit = budget();
      while (kept > limit) kept -= 4 * free.shift()!.used;
    },
    get kept() {
      return kept;
    },
  };
}

/**
 * The budget of a pool lending arrays of at most `largest` elements: two of
 * them, and at least 64 MiB (a block's arrays, and those of the fused
 * kernels still being written).
 */
export function poolBudget(largest: number): number {
  return Math.max(64 * 2 ** 20, 2 * 4 * largest);
}
