/**
 * Reads byte ranges of a group's shards as if they were concatenated, without
 * concatenating them: a range inside one shard is a view of it, a range that
 * straddles shards is copied piece by piece into an array of its own size.
 */
export interface ShardReader {
  /** Total bytes of all shards. */
  readonly size: number;
  /** Bytes `[offset, offset + length)`; the caller keeps the range within `size`. */
  slice(offset: number, length: number): Uint8Array;
}

/** A {@link ShardReader} over shards in storage order. */
export function shardReader(shards: readonly Uint8Array[]): ShardReader {
  // starts[i] = offset of shards[i] in the concatenation.
  const starts: number[] = [];
  let size = 0;
  for (const s of shards) {
    starts.push(size);
    size += s.byteLength;
  }
  // The last shard starting at or before `offset`: never an empty one while offset < size.
  const find = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    size,
    slice(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new RangeError(`range ${offset}+${length} outside ${size} bytes of shards`);
      }
      if (length === 0) return new Uint8Array(0);
      let i = find(offset);
      const first = shards[i]!;
      const at = offset - starts[i]!;
      if (at + length <= first.byteLength) return first.subarray(at, at + length);
      const out = new Uint8Array(length);
      let done = 0;
      let from = at;
      while (done < length) {
        const shard = shards[i]!;
        const n = Math.min(shard.byteLength - from, length - done);
        out.set(shard.subarray(from, from + n), done);
        done += n;
        from = 0;
        i += 1;
      }
      return out;
    },
  };
}
