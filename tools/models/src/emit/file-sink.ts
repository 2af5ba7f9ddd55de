import { type FileHandle, open } from "node:fs/promises";
import type { ByteSink } from "@reparam/core";

/** A {@link ByteSink} over a file; `close()` flushes, closes, and returns the bytes written. */
export interface FileSink extends ByteSink {
  close(): Promise<number>;
}

/**
 * Opens `path` for writing (truncating it) as a {@link ByteSink}. Small
 * chunks are gathered into a 1 MiB buffer; large ones are written as they
 * come, so memory stays bounded whatever the file's size.
 */
export async function fileSink(path: string, bufferBytes = 1 << 20): Promise<FileSink> {
  const handle: FileHandle = await open(path, "w");
  const buffer = new Uint8Array(bufferBytes);
  let used = 0;
  let total = 0;
  const flush = async () => {
    if (used > 0) await writeAll(handle, buffer.subarray(0, used));
    used = 0;
  };
  return {
    async write(chunk) {
      total += chunk.byteLength;
      if (used + chunk.byteLength > buffer.byteLength) await flush();
      if (chunk.byteLength >= buffer.byteLength) await writeAll(handle, chunk);
      else {
        buffer.set(chunk, used);
        used += chunk.byteLength;
      }
    },
    async close() {
      try {
        await flush();
      } finally {
        await handle.close();
      }
      return total;
    },
  };
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done);
    done += bytesWritten;
  }
}
