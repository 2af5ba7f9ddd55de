import { ReparamError, bytesSource, relativePathProblem, type ModelInput } from "@reparam/core";
import type { ModelFiles } from "./model-files.js";

/** What {@link fuzzInput} adds: the paths an adapter asked for that it should have refused itself. */
export interface FuzzInput extends ModelInput {
  /** Paths passed to `open` that core's `relativePathProblem` refuses (the contract says the adapter checks first). */
  readonly unchecked: string[];
}

/**
 * A `ModelInput` over files in memory that behaves as the CLI's host does:
 * a path that could leave the folder is refused, a missing file is a
 * `ReparamError` (`HOST_FILE_NOT_FOUND`), and a read past the end of a file
 * is a `RangeError` (core's `bytesSource`): adapters must check ranges
 * against `size` before they read, so that one is reported as a crash.
 */
export function fuzzInput(model: ModelFiles): FuzzInput {
  const unchecked: string[] = [];
  const main = model.files.get(model.name) ?? new Uint8Array(0);
  return {
    name: model.name,
    main: bytesSource(main),
    unchecked,
    open(path) {
      const problem = relativePathProblem(path);
      if (problem !== undefined) {
        unchecked.push(path);
        return Promise.reject(new ReparamError("HOST_PATH_ESCAPE", "refused by the host", { where: path }));
      }
      const key = path.replace(/^(\.\/)+/, "").replace(/\/{2,}/g, "/");
      const bytes = model.files.get(key);
      if (bytes === undefined || (key === model.name && path !== model.name))
        return Promise.reject(new ReparamError("HOST_FILE_NOT_FOUND", "no such file", { where: path }));
      return Promise.resolve(bytesSource(bytes));
    },
  };
}
