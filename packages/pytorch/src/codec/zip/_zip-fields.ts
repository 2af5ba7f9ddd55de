import { type ByteSource, ReparamError } from "@reparam/core";

/** A `PYTORCH_BAD_ZIP` error. */
export function badZip(message: string, where: string, expected: string, found: string): ReparamError {
  return new ReparamError("PYTORCH_BAD_ZIP", message, { where, expected, found });
}

/** Reads exactly `[offset, offset + length)` of `source`, checked against its size first. */
export async function readChecked(
  source: ByteSource,
  offset: number,
  length: number,
  where: string,
): Promise<Uint8Array> {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > source.size
  ) {
    throw new ReparamError("PYTORCH_TRUNCATED", "a record reaches past the end of the file", {
      where: `${where} (bytes ${offset}-${offset + length})`,
      expected: `at most ${source.size} bytes`,
      found: `${offset + length}`,
    });
  }
  const bytes = await source.read(offset, length);
  if (bytes.byteLength !== length) {
    throw new ReparamError("PYTORCH_TRUNCATED", "the source returned fewer bytes than asked", {
      where: `${where} (bytes ${offset}-${offset + length})`,
      expected: `${length} bytes`,
      found: `${bytes.byteLength}`,
    });
  }
  return bytes;
}

/** Little-endian reads of a record's fields. */
export function fields(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    u16: (at: number) => view.getUint16(at, true),
    u32: (at: number) => view.getUint32(at, true),
    u64: (at: number) => {
      const n = view.getBigUint64(at, true);
      return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
    },
  };
}
