import { ReparamError, isReparamError } from "@reparam/core";
import { checkManifest } from "./_check-manifest.js";
import { shardReader } from "./_shard-reader.js";
import { shardSizeError } from "./_shard-size-error.js";
import type { TfjsFiles } from "./tfjs-files.js";
import type { TfjsWeight } from "./tfjs-weight.js";
import { weightByteLength } from "./weight-byte-length.js";
import type { TfjsDtype, WeightsManifest } from "./weights-manifest.js";

/**
 * Reads every weight of a manifest from its shards. Each group's shards are
 * read in order and treated as one concatenation (kept as a list, never
 * joined); the group's weights follow each other from offset 0 and must end
 * exactly at the end of its last shard. A weight may straddle shards.
 *
 * Everything about the manifest (structure, paths, dtypes, quantization,
 * sizes) is checked before any file is read.
 *
 * @param manifest - `weightsManifest` of a model from {@link decodeModelJson}.
 * @param files - access to the files next to `model.json`.
 * @returns the weights in manifest order (group by group), with their exact
 *   stored bytes; no values are converted.
 * @throws ReparamError `TFJS_MISSING_SHARD` when a shard cannot be read,
 *   `TFJS_SHARD_SIZE` when a group's shards hold more or fewer bytes than its
 *   weights need, plus the manifest checks' codes (`TFJS_BAD_MANIFEST`,
 *   `TFJS_PATH_ESCAPE`, `TFJS_DUPLICATE_WEIGHT`, `TFJS_UNKNOWN_DTYPE`,
 *   `TFJS_BAD_QUANTIZATION`).
 */
export async function decodeWeights(manifest: WeightsManifest, files: TfjsFiles): Promise<TfjsWeight[]> {
  checkManifest(manifest);
  const lengths = manifest.map((group, g) =>
    group.weights.map((w, i) => weightByteLength(w, `weightsManifest[${g}].weights[${i}]`)),
  );
  const out: TfjsWeight[] = [];
  for (const [g, group] of manifest.entries()) {
    const shards: Uint8Array[] = [];
    for (const path of group.paths) shards.push(await readShard(files, path, g));
    const groupLengths = lengths[g]!;
    const need = groupLengths.reduce((a, b) => a + b, 0);
    const reader = shardReader(shards);
    if (reader.size !== need) throw shardSizeError(group, g, shards, need);
    let offset = 0;
    group.weights.forEach((w, i) => {
      const length = groupLengths[i]!;
      out.push({
        name: w.name,
        shape: w.shape,
        dtype: w.dtype as TfjsDtype,
        ...(w.quantization === undefined ? {} : { quantization: w.quantization }),
        ...(w.group === undefined ? {} : { group: w.group }),
        bytes: reader.slice(offset, length),
      });
      offset += length;
    });
  }
  return out;
}

async function readShard(files: TfjsFiles, path: string, g: number): Promise<Uint8Array> {
  try {
    return await files.read(path);
  } catch (cause) {
    if (isReparamError(cause)) throw cause;
    throw new ReparamError("TFJS_MISSING_SHARD", `weight shard ${JSON.stringify(path)} cannot be read`, {
      where: `weightsManifest[${g}].paths`,
      expected: `the file ${path} next to model.json`,
      found: cause instanceof Error ? cause.message : String(cause),
      hint: "copy every file listed in weightsManifest along with model.json",
      cause,
    });
  }
}
