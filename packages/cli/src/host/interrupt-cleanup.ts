import { rmSync } from "node:fs";

/** A temporary folder of a conversion in progress, as {@link trackTemp} registers it. */
export interface TrackedTemp {
  /** Runs the commit (the renames into place): an interrupt waits for it instead of removing the folder under it. */
  committing<T>(work: Promise<T>): Promise<T>;
  /** The folder is gone (committed or aborted): an interrupt no longer touches it. */
  release(): void;
}

/** Temporary folders of this process's conversions in progress, and the commit each may be in. */
const temps = new Map<string, { commit: Promise<unknown> | undefined }>();

/** Exit status after a signal, as shells report it: 128 + the signal number. */
const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Registers a temporary folder for removal if the process is interrupted
 * (see {@link installInterruptCleanup}). Without the handlers installed
 * (the CLI as a library, in tests) registering does nothing visible.
 */
export function trackTemp(path: string): TrackedTemp {
  const entry: { commit: Promise<unknown> | undefined } = { commit: undefined };
  temps.set(path, entry);
  return {
    committing(work) {
      // Never rejects (the caller handles `work`'s error); once settled, a folder left (a failed commit,
      // abort follows) is removable again.
      const settle = () => {
        if (entry.commit === commit) entry.commit = undefined;
      };
      const commit: Promise<void> = work.then(settle, settle);
      entry.commit = commit;
      return work;
    },
    release: () => void temps.delete(path),
  };
}

/** Removes every tracked folder that is not being committed; returns the commits still running. */
function removeTemps(): Promise<unknown>[] {
  const running: Promise<unknown>[] = [];
  for (const [path, { commit }] of temps) {
    if (commit !== undefined) running.push(commit.catch(() => undefined));
    else {
      rmSync(path, { recursive: true, force: true });
      temps.delete(path);
    }
  }
  return running;
}

/**
 * Makes SIGINT (Ctrl-C), SIGTERM and SIGHUP (the terminal closed) end the
 * process the way the README promises: the temporary folders of conversions
 * in progress are removed (nothing is left beside the output), an output
 * being moved into place is first moved completely (its renames take
 * milliseconds; half of one must not stay), then the process exits 128 + the
 * signal's number: 130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP). A second
 * signal while waiting exits at once. Only the `reparam` binary installs
 * this; a program that imports the CLI keeps its own signal handling.
 */
export function installInterruptCleanup(stderr: { write(s: string): unknown } = process.stderr): void {
  let received = false;
  for (const signal of ["SIGHUP", "SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      const code = SIGNAL_EXIT[signal];
      const running = removeTemps();
      if (received || running.length === 0) {
        stderr.write(`reparam: interrupted (${signal}); temporary files removed\n`);
        process.exit(code);
      }
      received = true;
      void Promise.all(running).then(() => {
        removeTemps();
        stderr.write(`reparam: interrupted (${signal}) after an output was moved into place\n`);
        process.exit(code);
      });
    });
  }
}
