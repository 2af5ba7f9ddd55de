import type { ModelInput } from "@reparam/core";
import { blobSource } from "./blob-source.js";
import { webError } from "./web-error.js";

/** A named file or output part: a picked `File`, or a converted file as a `Blob` with its relative path. */
export interface NamedBlob {
  /** Path relative to the model's folder (`model.json`, `group1-shard1of2.bin`), `/`-separated. */
  readonly path: string;
  readonly blob: Blob;
}

/**
 * The {@link ModelInput} of a set of files: `main` is the model's main
 * file, the others are what it may `open` (external data, shards), found by
 * their path relative to the main file's folder. Nothing is read up front.
 */
export function fileSetInput(main: NamedBlob, files: readonly NamedBlob[]): ModelInput {
  return {
    name: baseName(main.path),
    main: blobSource(main.blob),
    open(relativePath) {
      const found = files.find((f) => f.path === relativePath || f.path.endsWith(`/${relativePath}`));
      if (found === undefined)
        return Promise.reject(
          webError("WEB_MISSING_FILE", "the model names a file that was not given", {
            where: main.path,
            expected: `'${relativePath}' among the files`,
            found: files.map((f) => `'${f.path}'`).join(", ") || "no other file",
            hint: "pick or drop the model's files together",
          }),
        );
      return Promise.resolve(blobSource(found.blob));
    },
  };
}

/** The last component of a `/`-separated path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
