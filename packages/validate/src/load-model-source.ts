import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join, relative, isAbsolute, resolve } from "node:path";
import { ReparamError } from "@reparam/core";

/** A TF.js model in memory or behind any storage: the bytes of model.json and a reader for the files its manifest names. */
export interface TfjsModelFiles {
  readonly modelJson: Uint8Array;
  /** Reads a weight file by its manifest path (relative to model.json). */
  read(path: string): Promise<Uint8Array>;
}

/**
 * A model to validate: a path (an `.onnx` file; a TF.js `model.json` or the
 * folder holding it), the bytes of an ONNX model, or TF.js files.
 */
export type ModelSource = string | Uint8Array | TfjsModelFiles;

/** A model source resolved to its format. */
export type LoadedModel =
  | { readonly format: "onnx"; readonly label: string; readonly path?: string; bytes(): Promise<Uint8Array> }
  | { readonly format: "tfjs"; readonly label: string; readonly files: TfjsModelFiles };

/**
 * Resolves a {@link ModelSource}: folders and `*.json` paths are TF.js models
 * (weight paths confined to the model's folder: `VALIDATE_PATH_ESCAPE`),
 * other paths and bytes are ONNX. Throws `VALIDATE_BAD_MODEL` for a path
 * that cannot be read.
 */
export async function loadModelSource(source: ModelSource): Promise<LoadedModel> {
  if (source instanceof Uint8Array) return { format: "onnx", label: `<${source.byteLength} bytes>`, bytes: async () => source };
  if (typeof source !== "string") return { format: "tfjs", label: "<TF.js model in memory>", files: source };
  const info = await stat(source).catch((e: unknown) => {
    throw new ReparamError("VALIDATE_BAD_MODEL", "cannot read model", { where: source, found: (e as Error).message, cause: e });
  });
  const json = info.isDirectory() ? join(source, "model.json") : source;
  if (info.isDirectory() || basename(json).endsWith(".json")) {
    return { format: "tfjs", label: source, files: await folderFiles(json) };
  }
  return { format: "onnx", label: source, path: source, bytes: async () => fileBytes(source) };
}

async function folderFiles(modelJsonPath: string): Promise<TfjsModelFiles> {
  const folder = resolve(dirname(modelJsonPath));
  const modelJson = await fileBytes(modelJsonPath).catch((e: unknown) => {
    throw new ReparamError("VALIDATE_BAD_MODEL", "no model.json in the TF.js model folder", { where: modelJsonPath, found: (e as Error).message, cause: e });
  });
  return {
    modelJson,
    async read(path) {
      const full = resolve(folder, path);
      const rel = relative(folder, full);
      if (path.length === 0 || path.includes("\0") || isAbsolute(path) || rel.startsWith("..") || isAbsolute(rel)) {
        throw new ReparamError("VALIDATE_PATH_ESCAPE", "weight file path would leave the model's folder", {
          where: modelJsonPath,
          expected: "a relative path inside the folder of model.json",
          found: JSON.stringify(path),
        });
      }
      return fileBytes(full);
    },
  };
}

async function fileBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
