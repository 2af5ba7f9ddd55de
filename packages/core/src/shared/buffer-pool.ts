/** Free buffers kept at most; the smallest go first. */
const MAX_FREE = 4;

/**
 * Reusable byte buffers for the large, short-lived arrays of a conversion
 * (kernels read block after block, fused kernels until the file sink has let
 * go of them): handed back once their reader is done, so that the next one
 * lands in memory already mapped. A model's kernels then cost one block's
 * worth of fresh pages instead of the model's (fresh memory is slow to
 * touch on many VMs), and no zero-filling. A fresh buffer lets go of the
 * free ones smaller than itself, so what the pool holds is a few buffers of
 * the current block's size, not one of every size seen.
 */
export interface BufferPool {
  /** `byteLength` bytes at offset 0 of a free pooled buffer (old contents), or of a fresh one. */
  take(byteLength: number): Uint8Array;
  /** Gives back the buffers under these arrays, when this pool made them; others are ignored. Never use the arrays again. */
  reuse(arrays: Iterable<ArrayBufferView>): void;
}

/** A new, empty {@link BufferPool}. */
export function bufferPool(): BufferPool {
  const made = new WeakSet<ArrayBufferLike>();
  let free: ArrayBuffer[] = [];
  return {
    take(byteLength) {
      let best = -1;
      free.forEach((b, i) => {
        if (b.byteLength >= byteLength && (best < 0 || b.byteLength < free[best]!.byteLength)) best = i;
      });
      if (best < 0) {
        // None fits: kernels grow stage by stage, so the free buffers (all smaller) are let go, not kept for blocks that have passed.
        free = [];
        const fresh = new ArrayBuffer(byteLength);
        made.add(fresh);
        return new Uint8Array(fresh);
      }
      const [buffer] = free.splice(best, 1);
      return new Uint8Array(buffer!, 0, byteLength);
    },
    reuse(arrays) {
      for (const a of arrays) {
        const buffer = a.buffer;
        if (buffer instanceof ArrayBuffer && made.has(buffer) && !free.includes(buffer)) free.push(buffer);
      }
      if (free.length > MAX_FREE) free = free.sort((a, b) => b.byteLength - a.byteLength).slice(0, MAX_FREE);
    },
  };
}
