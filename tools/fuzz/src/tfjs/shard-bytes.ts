/**
 * A shard size that splits `total` bytes into about six shards, odd so that
 * tensors and even single float32 values straddle shard boundaries.
 */
export function shardBytesFor(total: number): number {
  return Math.max(9, Math.ceil(total / 6)) | 1;
}
