import type { FileHandle } from "node:fs/promises";
import type { ByteSource } from "../contract/byte-source.js";
import { ReparamError } from "../contract/reparam-error.js";

// A large read is cut into pieces read by this many of libuv's threads at once: page-cache copies
// and page faults then run in parallel (a 493 MB model: ~250 ms in one read, ~150 ms in four).
const PIECE = 16 << 20;
const PARALLEL = 4;

/**
 * A {@link ByteSource} over an open file: each read is one positioned read
 * into a fresh buffer (or the caller's, `readInto`), so a conversion holds
 * only what it is working on. Every range is checked against `size` before
 * anything is allocated (`FILE_READ_PAST_END`: lengths come from the
 * model's own headers); a file that ends early is `FILE_CHANGED`.
 *
 * @param handle - a file opened for reading; the caller closes it.
 * @param size - the file's size in bytes (from `stat`).
 * @param path - the file's path, for error messages.
 */
export function fileSource(handle: FileHandle, size: number, path: string): ByteSource {
  const check = (offset: number, length: number): void => {
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > size
    ) {
      throw new ReparamError("FILE_READ_PAST_END", "read outside the file", {
        where: path,
        expected: `a range inside ${size} bytes`,
        found: `${offset}+${length}`,
      });
    }
  };
  const fillRange = async (offset: number, length: number, buf: Uint8Array, at: number): Promise<void> => {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buf, at + done, length - done, offset + done);
      if (bytesRead === 0)
        throw new ReparamError("FILE_CHANGED", "file ended early while reading (changed on disk?)", { where: path });
      done += bytesRead;
    }
  };
  const fill = async (offset: number, length: number, buf: Uint8Array): Promise<void> => {
    if (length <= 2 * PIECE) return fillRange(offset, length, buf, 0);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < length) {
        const at = next;
        next += PIECE;
        await fillRange(offset + at, Math.min(PIECE, length - at), buf, at);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
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
