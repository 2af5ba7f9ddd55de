import { ReparamError, encodeUtf8, isWellFormed } from "@reparam/core";
import { pythonJsonDumps } from "./_python-json.js";
import { checkShardFileName } from "./check-shard-file-name.js";
import type { JsonValue } from "./json-value.js";

/** What {@link encodeSafetensorsIndex} writes; a decoded `SafetensorsIndex` is one. */
export interface SafetensorsIndexInput {
  /** Tensor name -> shard file name (a plain file name in the same folder). */
  readonly weightMap: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Other `metadata` entries to keep; `metadata` is omitted when this and `totalSize` are undefined. */
  readonly metadata?: Readonly<Record<string, JsonValue>> | undefined;
  /** `metadata.total_size`: bytes of tensor data over all shards; overrides `metadata.total_size`. */
  readonly totalSize?: number | undefined;
}

/**
 * Writes a `*.safetensors.index.json` the way transformers' `save_pretrained`
 * does: `json.dumps({"metadata": ..., "weight_map": ...}, indent=2,
 * sort_keys=True) + "\n"` (keys sorted, two-space indent, ASCII only).
 *
 * @throws ReparamError `SAFETENSORS_PATH_ESCAPE` for a shard name that is
 *   not a plain file name, `SAFETENSORS_BAD_INDEX` for a bad tensor name or total size.
 */
export function encodeSafetensorsIndex(index: SafetensorsIndexInput): Uint8Array {
  const entries = index.weightMap instanceof Map ? [...index.weightMap] : Object.entries(index.weightMap);
  const weightMap: Record<string, string> = {};
  for (const [tensor, file] of entries) {
    if (typeof tensor !== "string" || !isWellFormed(tensor)) {
      throw new ReparamError("SAFETENSORS_BAD_INDEX", "tensor name is not a well-formed string", {
        where: "weight_map",
        expected: "a string without lone surrogates",
        found: JSON.stringify(tensor),
      });
    }
    checkShardFileName(file, `weight_map ${JSON.stringify(tensor)}`);
    define(weightMap, tensor, file);
  }
  const root: Record<string, JsonValue> = {};
  if (index.metadata !== undefined || index.totalSize !== undefined) {
    const metadata: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(index.metadata ?? {})) define(metadata, k, v);
    if (index.totalSize !== undefined) {
      if (!Number.isSafeInteger(index.totalSize) || index.totalSize < 0) {
        throw new ReparamError("SAFETENSORS_BAD_INDEX", "total_size is not a byte count", {
          where: "metadata total_size",
          expected: "a non-negative integer",
          found: String(index.totalSize),
        });
      }
      define(metadata, "total_size", index.totalSize);
    }
    root.metadata = metadata;
  }
  root.weight_map = weightMap;
  return encodeUtf8(`${pythonJsonDumps(root)}\n`);
}

// defineProperty: a tensor called "__proto__" stays an own key.
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
