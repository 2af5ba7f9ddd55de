import { open, realpath, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { ReparamError, relativePathProblem, type ByteSource, type ModelInput } from "@reparam/core";
import { fileSource, insideFolder } from "@reparam/core/node";

export { insideFolder };

/** An opened model: the adapter-facing input, and a way to close every file it opened. */
export interface OpenedInput {
  readonly input: ModelInput;
  /** Absolute path of the main file. */
  readonly path: string;
  /**
   * Bytes of the files the model was read from so far: its main file and
   * each distinct file it opened (shards, external data). After a decode this
   * is the model's own size, whatever else shares its folder.
   */
  bytes(): number;
  close(): Promise<void>;
}

/**
 * Opens a model file for an adapter. Sibling files (external data, shards)
 * open only inside the model's folder: the name must pass core's
 * `relativePathProblem` (not absolute, no `..`, ...), and its real path
 * (symlinks resolved) must stay inside.
 */
export async function openModelInput(mainPath: string): Promise<OpenedInput> {
  const path = resolve(mainPath);
  const folder = dirname(path);
  const realFolder = await realpath(folder);
  const handles: Array<{ close(): Promise<void> }> = [];
  const sizes = new Map<string, number>();
  const openFile = async (p: string): Promise<ByteSource> => {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(p);
    } catch {
      throw new ReparamError("CLI_FILE_NOT_FOUND", "file not found", { where: p, hint: "check the path" });
    }
    if (!info.isFile()) throw new ReparamError("CLI_NOT_A_FILE", "not a regular file", { where: p });
    const h = await open(p, "r");
    handles.push(h);
    sizes.set(resolve(p), info.size);
    return fileSource(h, info.size, p);
  };
  const main = await openFile(path);
  const input: ModelInput = {
    name: basename(path),
    main,
    async open(rel) {
      const target = resolve(folder, rel);
      const problem = relativePathProblem(rel);
      if (problem !== undefined || !insideFolder(folder, target)) {
        throw new ReparamError("CLI_PATH_ESCAPE", "a file the model refers to lies outside its folder", {
          where: rel,
          expected: `a path inside ${folder}`,
          ...(problem === undefined ? {} : { found: problem.reason }),
        });
      }
      let real: string;
      try {
        real = await realpath(target);
      } catch {
        throw new ReparamError("CLI_FILE_NOT_FOUND", "a file the model refers to is missing", { where: target });
      }
      if (!insideFolder(realFolder, real)) {
        throw new ReparamError(
          "CLI_PATH_ESCAPE",
          "a file the model refers to resolves (through a symlink) outside its folder",
          { where: rel, found: real },
        );
      }
      return openFile(real);
    },
  };
  return {
    input,
    path,
    bytes: () => [...sizes.values()].reduce((n, s) => n + s, 0),
    close: async () => void (await Promise.all(handles.map((h) => h.close()))),
  };
}
