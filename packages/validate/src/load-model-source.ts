import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ReparamError, relativePathProblem } from "@reparam/core";
import type { LoadedModel, ModelSource, TfjsModelFiles } from "./loaded-model.js";
import { familyByShape, runtimeFamilies } from "./runtime-families.js";
import type { RuntimeFamilyName } from "./runtime-family-name.js";

/**
 * Resolves a {@link ModelSource} to a runtime family (see {@link runtimeFamilies}):
 * `family` when given, otherwise by its shape: folders, `*.json` paths and
 * in-memory files go to the family of folder models (TF.js; weight paths
 * confined to the model's folder: `VALIDATE_PATH_ESCAPE`), other paths and
 * bytes to the family of single-file models (ONNX). Throws
 * `VALIDATE_BAD_MODEL` for a path that cannot be read.
 */
export async function loadModelSource(source: ModelSource, family?: RuntimeFamilyName): Promise<LoadedModel> {
  if (source instanceof Uint8Array)
    return { format: family ?? familyByShape(false), label: `<${source.byteLength} bytes>`, bytes: async () => source };
  if (typeof source !== "string")
    return { format: family ?? familyByShape(true), label: "<TF.js model in memory>", files: source };
  const info = await stat(source).catch((e: unknown) => {
    throw new ReparamError("VALIDATE_BAD_MODEL", "cannot read model", {
      where: source,
      found: (e as Error).message,
      cause: e,
    });
  });
  const json = info.isDirectory() ? join(source, "model.json") : source;
  const folder =
    family !== undefined ? runtimeFamilies[family].folder : info.isDirectory() || basename(json).endsWith(".json");
  if (folder) return { format: family ?? familyByShape(true), label: source, files: await folderFiles(json) };
  return { format: family ?? familyByShape(false), label: source, path: source, bytes: async () => fileBytes(source) };
}

async function folderFiles(modelJsonPath: string): Promise<TfjsModelFiles> {
  const folder = resolve(dirname(modelJsonPath));
  const modelJson = await fileBytes(modelJsonPath).catch((e: unknown) => {
    throw new ReparamError("VALIDATE_BAD_MODEL", "no model.json in the TF.js model folder", {
      where: modelJsonPath,
      found: (e as Error).message,
      cause: e,
    });
  });
  return {
    modelJson,
    async read(path) {
      // Core's one rule for model-named paths (no '..', not absolute, no '\\' or ':', ...).
      const problem = relativePathProblem(path);
      if (problem !== undefined) {
        throw new ReparamError(
          "VALIDATE_PATH_ESCAPE",
          `weight file path would leave the model's folder (${problem.reason})`,
          {
            where: modelJsonPath,
            expected: "a relative path inside the folder of model.json",
            found: JSON.stringify(path),
          },
        );
      }
      return fileBytes(resolve(folder, path));
    },
  };
}

async function fileBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
