import { bytesSource, type ByteSource } from "@reparam/core";

/**
 * Read access to the files next to a `model.json`, supplied by the caller:
 * the CLI reads from disk, a browser fetches, tests hold bytes in memory.
 * Paths are the manifest's, relative to the model's folder, and have passed
 * {@link checkWeightPath}.
 */
export interface TfjsFiles {
  /**
   * Returns the whole file. Rejects when it does not exist or cannot be read;
   * {@link decodeWeights} reports that as `TFJS_MISSING_SHARD` (a
   * `ReparamError` thrown here is passed on unchanged).
   */
  read(path: string): Promise<Uint8Array>;
  /**
   * Optional: opens the file for reads of byte ranges. With it,
   * {@link decodeWeights} checks shard sizes before reading and reads each
   * weight alone, holding no more than the weights; without it, each shard
   * is read whole with {@link TfjsFiles.read}. Fails like `read`.
   */
  open?(path: string): Promise<ByteSource>;
}

/**
 * {@link TfjsFiles} over files already in memory, keyed by relative path
 * (e.g. the `shards` of {@link encodeWeights}). Returns the stored arrays
 * themselves, not copies (and views of them from `open`).
 *
 * @param files - path to bytes, as a `Map`, an object, or a list of `{path, bytes}`.
 */
export function memoryFiles(
  files:
    | ReadonlyMap<string, Uint8Array>
    | Readonly<Record<string, Uint8Array>>
    | readonly { path: string; bytes: Uint8Array }[],
): TfjsFiles {
  const map = new Map<string, Uint8Array>(
    files instanceof Map
      ? files
      : Array.isArray(files)
        ? files.map((f) => [f.path, f.bytes] as const)
        : Object.entries(files as Record<string, Uint8Array>),
  );
  const read = (path: string): Promise<Uint8Array> => {
    const bytes = map.get(path);
    return bytes === undefined ? Promise.reject(new Error(`no file ${JSON.stringify(path)}`)) : Promise.resolve(bytes);
  };
  return { read, open: async (path) => bytesSource(await read(path)) };
}
