import { createWriteStream, type WriteStream } from "node:fs";
import type { ByteSink } from "../contract/byte-source.js";

/** Bytes a file may have queued for writing before `write` waits (the disk writes while the adapter computes). */
const WRITE_BUFFER_BYTES = 32 * 1024 * 1024;

/** A {@link ByteSink} that streams into one file, and its stream (for a caller that must destroy it on abort). */
export interface FileSink extends ByteSink {
  /** Says when every chunk written so far has been handed to the OS: their memory may be filled again. */
  flushed(): Promise<void>;
  /** Ends the file; rejects when a write or the final flush failed (a file that failed must not look complete). */
  close(): Promise<void>;
  readonly stream: WriteStream;
}

/**
 * Opens `path` for writing (replacing it) as a {@link FileSink}: each write
 * waits while more than 32 MiB are queued, so a conversion never holds its
 * whole output, and `flushed` lets a writer reuse the memory of chunks once
 * written (the ONNX writer's pool of fused kernels). An error of the stream
 * (a full disk) rejects the pending write, `flushed` and `close`, as
 * `failure(error)` says.
 */
export function fileSink(path: string, failure: (cause: Error) => unknown): FileSink {
  const s = createWriteStream(path, { highWaterMark: WRITE_BUFFER_BYTES });
  const failed = new Promise<never>((_, reject) => s.once("error", (e) => reject(failure(e))));
  failed.catch(() => undefined);
  // Chunks the stream still holds: write's callback says when each is handed to the OS.
  let queued = 0;
  let empty: (() => void)[] = [];
  const handed = () => {
    if (--queued > 0) return;
    const waiting = empty;
    empty = [];
    for (const r of waiting) r();
  };
  return {
    stream: s,
    async write(chunk) {
      queued++;
      if (!s.write(chunk, handed)) await Promise.race([new Promise<void>((r) => s.once("drain", () => r())), failed]);
    },
    flushed: () => (queued === 0 ? Promise.resolve() : Promise.race([new Promise<void>((r) => empty.push(r)), failed])),
    // end's callback gets an error raised while flushing: such a file must not look complete.
    close: () =>
      Promise.race([
        new Promise<void>((r, reject) => s.end((e?: Error | null) => (e ? reject(failure(e)) : r()))),
        failed,
      ]),
  };
}
