import { ReparamError } from "@reparam/core";
import type { SafetensorsIndex } from "./decode-safetensors-index.js";

/**
 * Checks a sharded checkpoint against its index once the shards' headers are
 * decoded: every shard the index names is there, each shard holds exactly the
 * tensors the index maps to it, and no tensor is in two shards.
 *
 * @param index - the decoded `*.safetensors.index.json`.
 * @param shardTensors - shard file name -> names of the tensors in its header.
 * @throws ReparamError `SAFETENSORS_BAD_INDEX`.
 */
export function checkShardCoverage(
  index: SafetensorsIndex,
  shardTensors: ReadonlyMap<string, readonly string[]>,
): void {
  const foundIn = new Map<string, string>();
  for (const file of index.shardFiles) {
    const names = shardTensors.get(file);
    if (names === undefined) throw bad(`shard ${JSON.stringify(file)}`, "the shard file", "no such shard given");
    for (const name of names) {
      const other = foundIn.get(name);
      if (other !== undefined) {
        throw bad(
          `tensor ${JSON.stringify(name)}`,
          "each tensor in one shard",
          `in ${JSON.stringify(other)} and ${JSON.stringify(file)}`,
        );
      }
      foundIn.set(name, file);
      const mapped = index.weightMap.get(name);
      if (mapped !== file) {
        const expected =
          mapped === undefined ? "not in any shard (absent from weight_map)" : `in ${JSON.stringify(mapped)}`;
        throw bad(`tensor ${JSON.stringify(name)}`, expected, `in ${JSON.stringify(file)}`);
      }
    }
  }
  for (const [name, file] of index.weightMap) {
    if (!foundIn.has(name))
      throw bad(`tensor ${JSON.stringify(name)}`, `in ${JSON.stringify(file)}`, "missing from that shard");
  }
}

function bad(where: string, expected: string, found: string): ReparamError {
  return new ReparamError("SAFETENSORS_BAD_INDEX", "shards do not match the index", { where, expected, found });
}
