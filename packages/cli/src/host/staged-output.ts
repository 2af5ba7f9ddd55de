import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ReparamError, relativePathProblem, type ModelOutput } from "@reparam/core";
import { insideFolder } from "./model-input.js";

/** Bytes a file may have queued for writing before `write` waits. */
const WRITE_BUFFER_BYTES = 32 * 1024 * 1024;

/** Output written into a temporary folder beside the target, moved into place only on success. */
export interface StagedOutput {
  readonly output: ModelOutput;
  /** Bytes written so far. */
  bytesWritten(): number;
  /** Moves the files into place (renames; same file system). */
  commit(): Promise<string[]>;
  /** Removes everything written. */
  abort(): Promise<void>;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Stages an output. `target` is the main output file, or (for folder models
 * like TF.js) the output folder when `folder` is true. Refuses an existing
 * target unless `force`. Nothing appears at the target until {@link StagedOutput.commit}.
 */
export async function stageOutput(target: string, opts: { folder: boolean; force: boolean }): Promise<StagedOutput> {
  const final = resolve(target);
  if (!opts.force && (await exists(final))) {
    throw new ReparamError("CLI_OUTPUT_EXISTS", "the output already exists", {
      where: final,
      hint: "pass --force to overwrite it, or -o to choose another path",
    });
  }
  const parent = dirname(final);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, ".reparam-tmp-"));
  const streams: WriteStream[] = [];
  let written = 0;
  const output: ModelOutput = {
    name: basename(final),
    async create(rel) {
      if (relativePathProblem(rel) !== undefined || !insideFolder(tmp, resolve(tmp, rel))) {
        throw new ReparamError("CLI_PATH_ESCAPE", "an output file would lie outside the output folder", { where: rel });
      }
      const p = resolve(tmp, rel);
      await mkdir(dirname(p), { recursive: true });
      // A deep buffer lets the disk write while the adapter computes the next piece (chunks are never reused by callers: see ByteSink).
      const s = createWriteStream(p, { highWaterMark: WRITE_BUFFER_BYTES });
      streams.push(s);
      const failed = new Promise<never>((_, reject) => s.once("error", reject));
      failed.catch(() => undefined);
      return {
        async write(chunk) {
          written += chunk.byteLength;
          if (!s.write(chunk)) await Promise.race([new Promise<void>((r) => s.once("drain", () => r())), failed]);
        },
        close: () => Promise.race([new Promise<void>((r) => s.end(() => r())), failed]),
      };
    },
  };
  return {
    output,
    bytesWritten: () => written,
    async commit() {
      const names = await readdir(tmp);
      const moved: string[] = [];
      if (opts.folder) {
        if (opts.force) await rm(final, { recursive: true, force: true });
        await rename(tmp, final);
        return [final];
      }
      // Side files first, the main file last: a reader never sees a main file without its data.
      const main = basename(final);
      for (const n of [...names.filter((x) => x !== main), ...names.filter((x) => x === main)]) {
        const to = n === main ? final : join(parent, n);
        if (!opts.force && n !== main && (await exists(to)))
          throw new ReparamError("CLI_OUTPUT_EXISTS", "an output side file already exists", {
            where: to,
            hint: "pass --force",
          });
        await rename(join(tmp, n), to);
        moved.push(to);
      }
      await rm(tmp, { recursive: true, force: true });
      return moved;
    },
    async abort() {
      await Promise.all(
        streams.map((s) =>
          s.closed
            ? undefined
            : new Promise<void>((r) => {
                s.once("close", () => r());
                s.destroy();
              }),
        ),
      );
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
