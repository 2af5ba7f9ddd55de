import { ReparamError, decodeUtf8Strict } from "@reparam/core";
import { describeJson, jsonValueOf, safeIntegerOf } from "./_json-node.js";
import { parseStrictJson } from "./_strict-json.js";
import { checkShardFileName } from "./check-shard-file-name.js";
import type { JsonValue } from "./json-value.js";

/**
 * A sharded checkpoint's `*.safetensors.index.json`:
 * `{"metadata": {"total_size": N, ...}, "weight_map": {tensor: shardFile}}`.
 */
export interface SafetensorsIndex {
  /** The `metadata` object as written (e.g. `total_size`), or undefined when absent. */
  readonly metadata: Readonly<Record<string, JsonValue>> | undefined;
  /** `metadata.total_size` (bytes of tensor data over all shards), when present. */
  readonly totalSize: number | undefined;
  /** Tensor name -> shard file name, each tensor once, in file order. */
  readonly weightMap: ReadonlyMap<string, string>;
  /** The distinct shard file names, in order of first appearance. */
  readonly shardFiles: readonly string[];
}

/**
 * Decodes and validates a `*.safetensors.index.json`: strict JSON (a tensor
 * mapped twice is a duplicate key), only the keys `metadata` and
 * `weight_map`, string values in `weight_map` that are plain file names
 * inside the folder (see {@link checkShardFileName}), and a `total_size`, if
 * any, that is a non-negative integer.
 *
 * @param bytes - the file's bytes (UTF-8).
 * @param where - the file's name, for error messages.
 * @throws ReparamError `SAFETENSORS_BAD_INDEX`, `SAFETENSORS_DUPLICATE_KEY`, `SAFETENSORS_PATH_ESCAPE`.
 */
export function decodeSafetensorsIndex(bytes: Uint8Array, where = "model.safetensors.index.json"): SafetensorsIndex {
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) throw bad(where, "UTF-8 JSON text", "invalid UTF-8");
  const root = parseStrictJson(text, { where, syntaxCode: "SAFETENSORS_BAD_INDEX" });
  if (root.kind !== "object") throw bad(where, "a JSON object", describeJson(root));
  const fields = new Map(root.entries);
  const extra = root.entries.map(([k]) => k).filter((k) => k !== "metadata" && k !== "weight_map");
  if (extra.length > 0)
    throw bad(where, 'only the keys "metadata" and "weight_map"', `key ${JSON.stringify(extra[0])}`);
  const mapNode = fields.get("weight_map");
  if (mapNode?.kind !== "object") {
    throw bad(
      `${where} weight_map`,
      "an object of tensor name -> shard file",
      mapNode === undefined ? "no weight_map" : describeJson(mapNode),
    );
  }
  const weightMap = new Map<string, string>();
  for (const [tensor, file] of mapNode.entries) {
    const at = `${where} weight_map ${JSON.stringify(tensor)}`;
    if (file.kind !== "string") throw bad(at, "a shard file name (string)", describeJson(file));
    checkShardFileName(file.value, at);
    weightMap.set(tensor, file.value);
  }
  const metaNode = fields.get("metadata");
  if (metaNode !== undefined && metaNode.kind !== "object")
    throw bad(`${where} metadata`, "an object", describeJson(metaNode));
  let totalSize: number | undefined;
  const sizeNode = metaNode?.entries.find(([k]) => k === "total_size")?.[1];
  if (sizeNode !== undefined) {
    totalSize = safeIntegerOf(sizeNode);
    if (totalSize === undefined)
      throw bad(`${where} metadata total_size`, "a non-negative integer", describeJson(sizeNode));
  }
  return {
    metadata: metaNode === undefined ? undefined : (jsonValueOf(metaNode) as Record<string, JsonValue>),
    totalSize,
    weightMap,
    shardFiles: [...new Set(weightMap.values())],
  };
}

function bad(where: string, expected: string, found: string): ReparamError {
  return new ReparamError("SAFETENSORS_BAD_INDEX", "not a valid safetensors index", { where, expected, found });
}
