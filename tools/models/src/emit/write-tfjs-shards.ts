import type { ByteSink } from "@reparam/core";
import type { WeightsGroup } from "@reparam/tfjs";
import type { LazyWeight } from "./lazy-weight.js";

/** Opens a file next to `model.json` for writing; the writer closes it when done. */
export type OpenFile = (path: string) => Promise<ByteSink & { close(): Promise<unknown> }>;

/** Options of {@link writeTfjsShards}. */
export interface WriteTfjsShardsOptions {
  /** Size of every shard but the last (default 4 MiB, the converter's). */
  readonly shardBytes?: number;
  /** File name prefix (default `group1`). */
  readonly groupName?: string;
}

/**
 * Writes float32 (or int32) weights back to back into shards `<group>-shard<i>of<n>.bin`
 * of `shardBytes` each (the last shorter; a weight may straddle shards), as
 * `encodeWeights` of `@reparam/tfjs` lays them out, but streaming: one
 * weight's values exist at a time. Returns the weights manifest.
 */
export async function writeTfjsShards(
  weights: readonly LazyWeight[],
  open: OpenFile,
  options: WriteTfjsShardsOptions = {},
): Promise<WeightsGroup[]> {
  const { shardBytes = 4 * 1024 * 1024, groupName = "group1" } = options;
  const total = weights.reduce((a, w) => a + 4 * w.shape.reduce((p, d) => p * d, 1), 0);
  const n = Math.ceil(total / shardBytes);
  const paths = Array.from({ length: n }, (_, i) => `${groupName}-shard${i + 1}of${n}.bin`);
  let shard: Awaited<ReturnType<OpenFile>> | undefined;
  let index = -1;
  let room = 0;
  for (const w of weights) {
    const v = w.values();
    let bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    while (bytes.byteLength > 0) {
      if (room === 0) {
        await shard?.close();
        index++;
        shard = await open(paths[index]!);
        room = Math.min(shardBytes, total - index * shardBytes);
      }
      const part = bytes.subarray(0, Math.min(room, bytes.byteLength));
      await shard!.write(part);
      room -= part.byteLength;
      bytes = bytes.subarray(part.byteLength);
    }
  }
  await shard?.close();
  return [{ paths, weights: weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype ?? "float32" })) }];
}
