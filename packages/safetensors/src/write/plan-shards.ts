import { ReparamError, compareCodePoints } from "@reparam/core";
import { checkShardFileName } from "../codec/check-shard-file-name.js";
import type { SafetensorsIndex } from "../codec/decode-safetensors-index.js";
import type { JsonValue } from "../codec/json-value.js";
import type { SafetensorsTensorSpec } from "./plan-safetensors.js";
import { tensorByteLength } from "../codec/tensor-byte-length.js";

/** One output shard: its file name and the tensors to encode into it. */
export interface PlannedShard<T extends SafetensorsTensorSpec> {
  readonly file: string;
  readonly tensors: readonly T[];
}

/** Output of {@link planShards}. */
export interface ShardPlan<T extends SafetensorsTensorSpec> {
  /** The shards, sorted by file name (code point order). */
  readonly shards: readonly PlannedShard<T>[];
  /** The index to write beside them (pass it to `encodeSafetensorsIndex`). */
  readonly index: SafetensorsIndex;
}

/**
 * Splits tensors into shard files by an explicit tensor -> shard map (e.g.
 * the input's `weight_map`, with converted tensors mapped by the caller), and
 * builds the matching index with `total_size` = the sum of the tensors' byte
 * lengths, as transformers computes it.
 *
 * Every tensor must be mapped, and the map may name no other tensor.
 *
 * @param tensors - what will be written (entries with data work too: they are passed through).
 * @param weightMap - tensor name -> shard file name.
 * @param metadata - other index `metadata` entries to keep (its `total_size` is replaced).
 * @throws ReparamError `SAFETENSORS_BAD_INDEX`, `SAFETENSORS_DUPLICATE_KEY`,
 *   `SAFETENSORS_PATH_ESCAPE`, and `tensorByteLength`'s errors.
 */
export function planShards<T extends SafetensorsTensorSpec>(
  tensors: readonly T[],
  weightMap: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
  metadata?: Readonly<Record<string, JsonValue>>,
): ShardPlan<T> {
  const map = weightMap instanceof Map ? new Map(weightMap) : new Map(Object.entries(weightMap));
  const byFile = new Map<string, T[]>();
  const ordered = new Map<string, string>();
  let totalSize = 0;
  for (const t of tensors) {
    const file = map.get(t.name);
    if (file === undefined) {
      throw new ReparamError("SAFETENSORS_BAD_INDEX", "tensor has no shard in the weight map", {
        where: `tensor ${JSON.stringify(t.name)}`,
        expected: "a weight_map entry for every tensor written",
        found: "none",
      });
    }
    if (ordered.has(t.name)) {
      throw new ReparamError("SAFETENSORS_DUPLICATE_KEY", "two tensors have the same name", {
        where: `tensor ${JSON.stringify(t.name)}`,
        expected: "unique tensor names",
        found: `${JSON.stringify(t.name)} twice`,
      });
    }
    checkShardFileName(file, `weight_map ${JSON.stringify(t.name)}`);
    ordered.set(t.name, file);
    totalSize += tensorByteLength(t.dtype, t.shape, `tensor ${JSON.stringify(t.name)}`);
    const list = byFile.get(file);
    if (list === undefined) byFile.set(file, [t]);
    else list.push(t);
  }
  if (!Number.isSafeInteger(totalSize)) {
    throw new ReparamError("SAFETENSORS_BAD_INDEX", "total_size is too large", {
      where: "metadata total_size",
      expected: "at most 2^53 - 1 bytes",
      found: String(totalSize),
    });
  }
  const unused = [...map.keys()].filter((name) => !ordered.has(name));
  if (unused.length > 0) {
    throw new ReparamError("SAFETENSORS_BAD_INDEX", "the weight map names tensors that are not written", {
      where: "weight_map",
      expected: "only tensors that are written",
      found: `${unused.length} more, first ${JSON.stringify(unused[0])}`,
    });
  }
  const files = [...byFile.keys()].sort(compareCodePoints);
  const meta = { ...metadata, total_size: totalSize };
  return {
    shards: files.map((file) => ({ file, tensors: byFile.get(file) as T[] })),
    index: { metadata: meta, totalSize, weightMap: ordered, shardFiles: files },
  };
}
