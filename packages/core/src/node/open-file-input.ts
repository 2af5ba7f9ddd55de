import { open, realpath, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { ModelInput } from "../contract/adapter.js";
import type { ByteSource } from "../contract/byte-source.js";
import { ReparamError } from "../contract/reparam-error.js";
import { relativePathProblem } from "../shared/relative-path.js";
import { fileSource } from "./file-source.js";
import { insideFolder } from "./inside-folder.js";

/** A {@link ModelInput} over files on disk, and the way to close every file it opened. */
export interface FileInput extends ModelInput {
  /** Closes every file opened so far (the main file and any opened beside it). */
  close(): Promise<void>;
}

/**
 * Opens a model file on disk as a {@link ModelInput}: the adapter reads it
 * piece by piece ({@link fileSource}), so a model is never held whole in
 * memory. Files the model refers to (ONNX external data, TF.js shards, a
 * safetensors index's shards) open only inside the model's folder: the name
 * must pass `relativePathProblem` (not absolute, no `..`), and its real path
 * (symlinks resolved) must stay inside, else `FILE_PATH_ESCAPE`. A missing
 * file is `FILE_NOT_FOUND`, a folder or device `FILE_NOT_A_FILE`.
 *
 * @param path - the main file: `model.onnx`, `model.safetensors`, `model.safetensors.index.json`, `web_model/model.json`, `model.pth`.
 */
export async function openFileInput(path: string): Promise<FileInput> {
  const main = resolve(path);
  const folder = dirname(main);
  const handles: Array<{ close(): Promise<void> }> = [];
  const openFile = async (p: string): Promise<ByteSource> => {
    const info = await stat(p).catch(() => undefined);
    if (info === undefined) throw new ReparamError("FILE_NOT_FOUND", "file not found", { where: p });
    if (!info.isFile()) throw new ReparamError("FILE_NOT_A_FILE", "not a regular file", { where: p });
    const h = await open(p, "r");
    handles.push(h);
    return fileSource(h, info.size, p);
  };
  const source = await openFile(main);
  const realFolder = await realpath(folder);
  return {
    name: basename(main),
    main: source,
    async open(rel) {
      const target = resolve(folder, rel);
      const problem = relativePathProblem(rel);
      if (problem !== undefined || !insideFolder(folder, target)) {
        throw new ReparamError("FILE_PATH_ESCAPE", "a file the model refers to lies outside its folder", {
          where: rel,
          expected: `a path inside ${folder}`,
          ...(problem === undefined ? {} : { found: problem.reason }),
        });
      }
      const real = await realpath(target).catch(() => undefined);
      if (real === undefined)
        throw new ReparamError("FILE_NOT_FOUND", "a file the model refers to is missing", { where: target });
      if (!insideFolder(realFolder, real)) {
        throw new ReparamError("FILE_PATH_ESCAPE", "a file the model refers to resolves outside its folder", {
          where: rel,
          found: real,
        });
      }
      return openFile(real);
    },
    close: async () => void (await Promise.all(handles.splice(0).map((h) => h.close()))),
  };
}
