import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/** Prefix of the temporary folders a conversion stages its output in, beside the target. */
export const TEMP_PREFIX = ".reparam-tmp-";

/** The prefix of this process's temporary folders: `.reparam-tmp-<pid>-`. */
export function tempPrefix(): string {
  return `${TEMP_PREFIX}${process.pid}-`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, owned by someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary folders that conversions killed before they ended
 * left in `parent` (`.reparam-tmp-<pid>-*` of a process that no longer
 * runs). Never reads them: they are not outputs. Folders of running
 * processes, and names without a pid, are left alone; errors are ignored
 * (another run may be removing the same folder).
 */
export async function removeStaleTemps(parent: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const m = /^\.reparam-tmp-(\d+)-/.exec(name);
      if (m === null || Number(m[1]) === process.pid || alive(Number(m[1]))) return;
      await rm(join(parent, name), { recursive: true, force: true }).catch(() => undefined);
    }),
  );
}
