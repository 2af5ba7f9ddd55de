import { type ModelInput, ReparamError } from "@reparam/core";
import { checkShardCoverage } from "./check-shard-coverage.js";
import { decodeSafetensors } from "./decode-safetensors.js";
import { decodeSafetensorsIndex } from "./decode-safetensors-index.js";
import { isIndexName } from "../detect-safetensors.js";
import type { SafetensorsModel, SafetensorsShard } from "./safetensors-model.js";
import type { TensorInfo } from "./tensor-info.js";

/**
 * Decodes a state dict given as one `.safetensors` file or as a
 * `*.safetensors.index.json` with its shards (opened beside it through
 * `input.open`, names checked by the index decoder). Reads headers only.
 * Shards must hold exactly the tensors the index maps to them.
 *
 * @throws ReparamError the codec's `SAFETENSORS_*` errors, `SAFETENSORS_BAD_INDEX`.
 */
export async function decodeSafetensorsModel(input: ModelInput): Promise<SafetensorsModel> {
  let shards: SafetensorsShard[];
  let index: SafetensorsModel["index"];
  if (isIndexName(input.name)) {
    const bytes = await input.main.read(0, input.main.size);
    index = decodeSafetensorsIndex(bytes, input.name);
    shards = [];
    for (const file of index.shardFiles)
      shards.push({ file, content: await decodeSafetensors(await input.open(file), { where: file }) });
    checkShardCoverage(index, new Map(shards.map((s) => [s.file, s.content.tensors.map((t) => t.name)])));
  } else {
    shards = [{ file: input.name, content: await decodeSafetensors(input.main, { where: input.name }) }];
  }
  const tensors = new Map<string, TensorInfo>();
  const owner = new Map<string, SafetensorsShard>();
  for (const shard of shards) {
    for (const t of shard.content.tensors) {
      tensors.set(t.name, t);
      owner.set(t.name, shard);
    }
  }
  const shardOf = (name: string): SafetensorsShard => {
    const shard = owner.get(name);
    if (shard === undefined) {
      throw new ReparamError("SAFETENSORS_TENSOR_NOT_FOUND", "no tensor of that name", {
        where: input.name,
        expected: `one of ${tensors.size} tensors`,
        found: JSON.stringify(name),
      });
    }
    return shard;
  };
  return {
    name: input.name,
    index,
    shards,
    tensors,
    shardOf,
    read: (name) => shardOf(name).content.readTensor(name),
    readRange: (name, start, end, into) => shardOf(name).content.readTensorBytes(name, start, end, into),
  };
}
