import { ReparamError, bytesSource, isReparamError, type ByteSource } from "@reparam/core";
import { checkManifest } from "./_check-manifest.js";
import { readGroup, readGroupRange } from "./_read-group.js";
import { LAZY_WEIGHT_BYTES, setLazyWeight } from "./lazy-weight.js";
import { shardSizeError } from "./_shard-size-error.js";
import type { TfjsFiles } from "./tfjs-files.js";
import type { TfjsWeight } from "./tfjs-weight.js";
import { weightByteLength } from "./weight-byte-length.js";
import type { TfjsDtype, WeightsManifest } from "./weights-manifest.js";

/**
 * Reads every weight of a manifest from its shards. Each group's shards are
 * treated as one concatenation (never joined); the group's weights follow
 * each other from offset 0 and must end exactly at the end of its last shard.
 * A weight may straddle shards.
 *
 * Everything about the manifest (structure, paths, dtypes, quantization,
 * sizes) is checked before any file is read. When `files` can open files
 * ({@link TfjsFiles.open}), shard sizes are checked before any byte is read,
 * small weights are read (those inside one shard together), and float
 * weights of 64 KiB and more are left in their shards, read when used
 * (`weightBytes`, `loadedWeight`; their `bytes` is empty), so that the
 * decoded model holds no kernel; otherwise each shard is read whole first.
 *
 * @param manifest - `weightsManifest` of a model from {@link decodeModelJson}.
 * @param files - access to the files next to `model.json`.
 * @param lazyBytes - float weights of at least this many bytes are left in
 *   their shards (when `files` can open them); default 64 KiB.
 * @returns the weights in manifest order (group by group), with their exact
 *   stored bytes; no values are converted.
 * @throws ReparamError `TFJS_MISSING_SHARD` when a shard cannot be read,
 *   `TFJS_SHARD_SIZE` when a group's shards hold more or fewer bytes than its
 *   weights need, plus the manifest checks' codes (`TFJS_BAD_MANIFEST`,
 *   `TFJS_PATH_ESCAPE`, `TFJS_DUPLICATE_WEIGHT`, `TFJS_UNKNOWN_DTYPE`,
 *   `TFJS_BAD_QUANTIZATION`).
 */
export async function decodeWeights(
  manifest: WeightsManifest,
  files: TfjsFiles,
  lazyBytes = LAZY_WEIGHT_BYTES,
): Promise<TfjsWeight[]> {
  checkManifest(manifest);
  const lengths = manifest.map((group, g) =>
    group.weights.map((w, i) => weightByteLength(w, `weightsManifest[${g}].weights[${i}]`)),
  );
  const out: TfjsWeight[] = [];
  for (const [g, group] of manifest.entries()) {
    const shards: ByteSource[] = [];
    for (const path of group.paths) shards.push(await shardOf(path, g, () => open(files, path)));
    const groupLengths = lengths[g]!;
    const need = groupLengths.reduce((a, b) => a + b, 0);
    const sizes = shards.map((s) => s.size);
    if (sizes.reduce((a, b) => a + b, 0) !== need) throw shardSizeError(group, g, sizes, need, groupLengths);
    const read = (k: number, offset: number, length: number): Promise<Uint8Array> =>
      shardOf(group.paths[k]!, g, () => shards[k]!.read(offset, length));
    const direct = shards.every((s) => s.readInto !== undefined);
    const readInto = (k: number, offset: number, target: Uint8Array): Promise<void> =>
      shardOf(group.paths[k]!, g, () => shards[k]!.readInto!(offset, target));
    // Float weights of 64 KiB and more stay in their shards (read when used) when the shards are files.
    const leave = (i: number) =>
      files.open !== undefined && group.weights[i]!.dtype === "float32" && groupLengths[i]! >= lazyBytes;
    const bytes = await readGroup(shards, groupLengths, read, direct ? readInto : undefined, leave);
    let offset = 0;
    group.weights.forEach((w, i) => {
      const weight: TfjsWeight = {
        name: w.name,
        shape: w.shape,
        dtype: w.dtype as TfjsDtype,
        ...(w.quantization === undefined ? {} : { quantization: w.quantization }),
        ...(w.group === undefined ? {} : { group: w.group }),
        bytes: bytes[i]!,
      };
      const [from, length] = [offset, groupLengths[i]!];
      if (leave(i))
        setLazyWeight(weight, (target) =>
          direct && target?.byteLength === length
            ? readGroupRange(shards, from, length, read, readInto, target)
            : readGroupRange(shards, from, length, read),
        );
      offset += length;
      out.push(weight);
    });
  }
  return out;
}

async function open(files: TfjsFiles, path: string): Promise<ByteSource> {
  return files.open === undefined ? bytesSource(await files.read(path)) : files.open(path);
}

/** Runs a step on shard `path`, reporting a failure other than a ReparamError as `TFJS_MISSING_SHARD`. */
async function shardOf<T>(path: string, g: number, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
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
