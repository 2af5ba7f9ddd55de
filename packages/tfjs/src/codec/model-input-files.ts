import type { ModelInput } from "@reparam/core";
import type { TfjsFiles } from "./tfjs-files.js";

/**
 * {@link TfjsFiles} over core's {@link ModelInput}: each shard is opened
 * beside `model.json`, and read in ranges (`open`) or whole (`read`). Paths reach here only after
 * {@link checkWeightPath} (done by {@link decodeModelJson}); the host still
 * refuses anything outside the model's folder.
 */
export function modelInputFiles(input: ModelInput): TfjsFiles {
  return {
    async read(path) {
      const source = await input.open(path);
      return source.read(0, source.size);
    },
    open: (path) => input.open(path),
  };
}
