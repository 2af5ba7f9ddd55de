import type { FileHandle } from "node:fs/promises";
import { ReparamError, type ByteSource } from "@reparam/core";

/**
 * A {@link ByteSource} over an open file: each read is one positioned read
 * into a fresh buffer (or the caller's, `readInto`), so a conversion holds
 * only what it is working on.
 */
export function fileSource(handle: FileHandle, size: number, path: string): ByteSource {
  // Checked before anything is allocated or read: lengths come from the model's own headers.
  const check = (offset: number, length: number): void => {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
      throw new ReparamError("CLI_READ_PAST_END", "read outside the file", { where: path, expected: `a range inside ${size} bytes`, found: `${offset}+${length}` });
    }
  };
  const fill = async (offset: number, length: number, buf: Uint8Array): Promise<void> => {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw new ReparamError("CLI_FILE_CHANGED", "file ended early while reading (changed on disk?)", { where: path });
      done += bytesRead;
    }
  };
  return {
    size,
    async read(offset, length) {
      check(offset, length);
      const buf = new Uint8Array(length);
      await fill(offset, length, buf);
      return buf;
    },
    async readInto(offset, target) {
      check(offset, target.byteLength);
      await fill(offset, target.byteLength, target);
    },
  };
}
