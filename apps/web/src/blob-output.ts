import type { ModelOutput } from "@reparam/core";
import type { NamedBlob } from "./file-set-input.js";

/** Written chunks are gathered into one `Blob` part once they add up to this many bytes. */
const PART_BYTES = 8 * 1024 * 1024;

/** What {@link blobOutput} adds to a {@link ModelOutput}: the closed files, in the order they were created. */
export interface BlobOutput extends ModelOutput {
  files(): NamedBlob[];
}

/**
 * A {@link ModelOutput} that writes each file as a `Blob` made of parts: the
 * chunks an adapter writes are gathered into a `Blob` part every
 * {@link PART_BYTES}, and the parts into the file's `Blob` when it is closed,
 * so the page's heap holds at most one part of pending chunks per open file
 * (the browser keeps blob data apart, paging it to disk when it is large).
 */
export function blobOutput(name: string): BlobOutput {
  const closed = new Map<string, Blob>();
  const order: string[] = [];
  return {
    name,
    create(path) {
      if (!order.includes(path)) order.push(path);
      const parts: Blob[] = [];
      let pending: Uint8Array<ArrayBuffer>[] = [];
      let pendingBytes = 0;
      const flush = () => {
        if (pending.length === 0) return;
        parts.push(new Blob(pending));
        pending = [];
        pendingBytes = 0;
      };
      return Promise.resolve({
        write(chunk: Uint8Array) {
          // A written chunk is never modified by its writer (core's ByteSink), so it is kept as it is.
          pending.push(chunk as Uint8Array<ArrayBuffer>);
          pendingBytes += chunk.byteLength;
          if (pendingBytes >= PART_BYTES) flush();
          return Promise.resolve();
        },
        close() {
          flush();
          closed.set(path, new Blob(parts));
          return Promise.resolve();
        },
      });
    },
    files: () => order.flatMap((path) => (closed.has(path) ? [{ path, blob: closed.get(path)! }] : [])),
  };
}
