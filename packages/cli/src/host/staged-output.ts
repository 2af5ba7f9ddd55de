import type { WriteStream } from "node:fs";
import { chmod, link, mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ReparamError, relativePathProblem, type ModelOutput } from "@reparam/core";
import { fileSink } from "@reparam/core/node";
import { insideFolder } from "./model-input.js";
import { trackTemp, type TrackedTemp } from "./interrupt-cleanup.js";
import { removeStaleTemps, tempPrefix } from "./stale-temp.js";

/** The mode a folder made by `mkdir` gets under this process's umask (0755 under the usual 022), read from a probe inside `dir`. */
async function umaskedFolderMode(dir: string): Promise<number> {
  const probe = join(dir, ".mode");
  await mkdir(probe, { mode: 0o777 });
  const mode = (await stat(probe)).mode & 0o777;
  await rmdir(probe);
  return mode;
}

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

/** A file system error (a full disk, a read-only folder) as a ReparamError, so that the CLI reports it and cleans up. */
function writeFailed(cause: unknown, where: string): unknown {
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  if (code === undefined || cause instanceof ReparamError) return cause;
  return new ReparamError(code === "ENOSPC" ? "CLI_DISK_FULL" : "CLI_WRITE_FAILED", "cannot write the output", {
    where,
    found: `${code} (${(cause as Error).message})`,
    ...(code === "ENOSPC" ? { hint: "free some space or write elsewhere with -o" } : {}),
    cause,
  });
}

/** Renames `from` to `to` without replacing an existing `to` (hard link, then unlink: atomic and no-clobber). */
async function moveNoClobber(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw outputExists(to);
    // No hard links here (some network and FAT file systems): check, then rename.
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw e;
    if (await exists(to)) throw outputExists(to);
    await rename(from, to);
    return;
  }
  await unlink(from);
}

function outputExists(where: string): ReparamError {
  return new ReparamError("CLI_OUTPUT_EXISTS", "the output already exists", {
    where,
    hint: "another conversion wrote it first; pass --force to overwrite it",
  });
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * The output goes into an existing folder only: a mistyped `-o` must not
 * create a tree of folders somewhere (as `cp` and `gcc -o` refuse it).
 */
async function requireFolder(parent: string): Promise<void> {
  const info = await stat(parent).catch(() => undefined);
  if (info?.isDirectory() === true) return;
  throw new ReparamError("CLI_OUTPUT_DIR_MISSING", "the output's folder does not exist", {
    where: parent,
    found: info === undefined ? "nothing there" : "a file",
    hint: `create it first (mkdir -p '${parent}'), or choose another path with -o`,
  });
}

/**
 * Stages an output. `target` is the main output file, or (for folder models
 * like TF.js) the output folder when `folder` is true. Refuses an existing
 * target unless `force`, and a target whose folder does not exist
 * (`CLI_OUTPUT_DIR_MISSING`). Nothing appears at the target until {@link StagedOutput.commit}:
 * files are written into `.reparam-tmp-<pid>-*` beside it (those of killed
 * runs are removed here, see {@link removeStaleTemps}) and moved into place
 * by atomic renames, so that a kill at any point leaves at the target the
 * old output, the new one or nothing, never part of one. A file system
 * error (`ENOSPC`: `CLI_DISK_FULL`, else `CLI_WRITE_FAILED`) and another
 * conversion that wrote the target first (`CLI_OUTPUT_EXISTS`) are
 * ReparamErrors.
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
  await requireFolder(parent);
  let tmp: string;
  let tracked: TrackedTemp;
  try {
    await removeStaleTemps(parent);
    tmp = await mkdtemp(join(parent, tempPrefix()));
    tracked = trackTemp(tmp); // removed on Ctrl-C (installInterruptCleanup)
    if (opts.folder) await chmod(tmp, await umaskedFolderMode(tmp)); // mkdtemp makes 0700; the output folder gets what mkdir would give
  } catch (e) {
    throw writeFailed(e, parent);
  }
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
      // A deep buffer lets the disk write while the adapter computes the next piece; `flushed` lets a
      // writer fill a chunk's memory again once the OS has it (the ONNX writer's pool of fused kernels).
      const sink = fileSink(p, (e) => writeFailed(e, rel));
      streams.push(sink.stream);
      return {
        async write(chunk) {
          written += chunk.byteLength;
          await sink.write(chunk);
        },
        flushed: sink.flushed,
        close: sink.close,
      };
    },
  };
  const commit = async (): Promise<string[]> => {
    if (opts.folder) {
      if (!opts.force) {
        try {
          await rename(tmp, final);
        } catch (e) {
          // Another conversion put a folder there since the check (rename refuses a non-empty one).
          const code = (e as NodeJS.ErrnoException).code;
          if (code === "EEXIST" || code === "ENOTEMPTY" || code === "ENOTDIR" || code === "EISDIR")
            throw outputExists(final);
          throw e;
        }
        return [final];
      }
      // The old output moves aside first and goes last: a kill in between leaves it in a stale
      // temporary folder (removed by the next run), never half a folder at the target.
      const old = `${tmp}-old`;
      const had = await exists(final);
      if (had) await rename(final, old);
      await rename(tmp, final);
      if (had) await rm(old, { recursive: true, force: true });
      return [final];
    }
    // Side files first, the main file last: a reader never sees a main file without its data. Each
    // move is atomic; without --force none replaces a file (another conversion's output included).
    const names = await readdir(tmp);
    const main = basename(final);
    const moved: string[] = [];
    try {
      for (const n of [...names.filter((x) => x !== main), ...names.filter((x) => x === main)]) {
        const to = n === main ? final : join(parent, n);
        if (opts.force) await rename(join(tmp, n), to);
        else await moveNoClobber(join(tmp, n), to);
        moved.push(to);
      }
    } catch (e) {
      if (!opts.force) await Promise.all(moved.map((m) => unlink(m).catch(() => undefined)));
      throw e;
    }
    await rm(tmp, { recursive: true, force: true });
    return moved;
  };
  return {
    output,
    bytesWritten: () => written,
    commit: () =>
      tracked
        .committing(commit())
        .then((moved) => {
          tracked.release();
          return moved;
        })
        .catch((e: unknown) => Promise.reject(writeFailed(e, final))),
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
      tracked.release();
    },
  };
}
