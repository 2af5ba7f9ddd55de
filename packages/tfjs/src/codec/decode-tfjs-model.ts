import type { ModelInput } from "@reparam/core";
import { checkTopology } from "./_check-topology.js";
import { decodeModelJson } from "./decode-model-json.js";
import { decodeWeights } from "./decode-weights.js";
import { modelInputFiles } from "./model-input-files.js";
import { modelFormat } from "./model-format.js";
import type { TfjsModel } from "./tfjs-model.js";

/**
 * Reads a TF.js model: `input.main` is `model.json`, its shards are opened
 * beside it. Everything is checked before a shard is read (JSON, topology,
 * topology's JSON types, manifest, shard paths, dtypes), then shard sizes are
 * checked against the manifest and the weights read, float weights of
 * `lazyBytes` (default 64 KiB) and more left in their shards until used.
 *
 * @throws ReparamError `TFJS_BAD_JSON`, `TFJS_NO_TOPOLOGY`,
 *   `TFJS_UNKNOWN_FORMAT`, `TFJS_BAD_MANIFEST`, `TFJS_PATH_ESCAPE`,
 *   `TFJS_BAD_TOPOLOGY`, `TFJS_DUPLICATE_WEIGHT`, `TFJS_UNKNOWN_DTYPE`, `TFJS_BAD_QUANTIZATION`,
 *   `TFJS_MISSING_SHARD`, `TFJS_SHARD_SIZE`.
 */
export async function decodeTfjsModel(input: ModelInput, lazyBytes?: number): Promise<TfjsModel> {
  const json = decodeModelJson(await input.main.read(0, input.main.size));
  const format = modelFormat(json);
  checkTopology(json.modelTopology, format);
  const weights = await decodeWeights(json.weightsManifest ?? [], modelInputFiles(input), lazyBytes);
  return { json, format, weights };
}
