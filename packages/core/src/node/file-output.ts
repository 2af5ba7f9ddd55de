import { mkdir } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { ModelOutput } from "../contract/adapter.js";
import { ReparamError } from "../contract/reparam-error.js";
import { relativePathProblem } from "../shared/relative-path.js";
import { fileSink } from "./file-sink.js";
import { insideFolder } from "./inside-folder.js";

/**
 * A {@link ModelOutput} that streams to files on disk: the main file at
 * `path`, any other file the adapter writes (ONNX external data, TF.js
 * shards, safetensors shards and index) beside it, inside its folder only
 * (`FILE_PATH_ESCAPE` otherwise). Each write waits while the file has more
 * than 32 MiB queued, so a conversion never holds its whole output. A write
 * error (a full disk) rejects that write or `close` (`FILE_WRITE_FAILED`).
 *
 * Files are written in place and replace existing ones; a conversion that
 * fails leaves what it wrote. For all-or-nothing output write into a
 * temporary folder and rename it on success (what the `reparam` CLI does).
 *
 * @param path - the main output file; for a TF.js model, `model.json` in the output folder.
 */
export function fileOutput(path: string): ModelOutput {
  const main = resolve(path);
  const folder = dirname(main);
  return {
    name: basename(main),
    async create(rel) {
      const p = resolve(folder, rel);
      if (relativePathProblem(rel) !== undefined || !insideFolder(folder, p))
        throw new ReparamError("FILE_PATH_ESCAPE", "an output file would lie outside the output folder", {
          where: rel,
          expected: `a path inside ${folder}`,
        });
      await mkdir(dirname(p), { recursive: true });
      const { write, flushed, close } = fileSink(p, (e) => writeFailed(e, p));
      return { write, flushed, close };
    },
  };
}

function writeFailed(cause: Error, where: string): ReparamError {
  const code = (cause as Error & { code?: string }).code ?? cause.name;
  return new ReparamError("FILE_WRITE_FAILED", "cannot write the output", {
    where,
    found: `${code} (${cause.message})`,
    cause,
  });
}
