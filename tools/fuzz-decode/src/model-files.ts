/** The decoders the fuzzer drives. */
export type FuzzFormat = "onnx" | "safetensors" | "tfjs" | "pytorch";

/** The formats in the order they are reported. */
export const FUZZ_FORMATS: readonly FuzzFormat[] = ["onnx", "safetensors", "tfjs", "pytorch"];

/**
 * A model as bytes in memory: the main file `name` and every file beside
 * it (external data, shards, an index's shards), all in `files` by their
 * path relative to the model's folder (the main file included).
 */
export interface ModelFiles {
  readonly format: FuzzFormat;
  /** Where it comes from, for reports (`conformance acnet.train.onnx`, `generated onnx external`). */
  readonly label: string;
  /** Name of the main file. */
  readonly name: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** The main file's bytes (empty when a mutation removed it). */
export function mainBytes(model: ModelFiles): Uint8Array {
  return model.files.get(model.name) ?? new Uint8Array(0);
}

/** A copy of `model` with `path` set to `bytes` (or removed, for `undefined`). */
export function withFile(model: ModelFiles, path: string, bytes: Uint8Array | undefined): ModelFiles {
  const files = new Map(model.files);
  if (bytes === undefined) files.delete(path);
  else files.set(path, bytes);
  return { ...model, files };
}

/** The side files of a model (every file but the main one), in name order. */
export function sideFiles(model: ModelFiles): string[] {
  return [...model.files.keys()].filter((p) => p !== model.name).sort();
}
