import type { ByteSource } from "@reparam/core";

/**
 * A {@link ByteSource} over a `Blob` (a picked `File`, or a converted
 * output): every read is one `Blob.slice`, so a model is never read whole
 * unless its adapter asks for all of it.
 */
export function blobSource(blob: Blob): ByteSource {
  const check = (offset: number, length: number) => {
    if (offset < 0 || length < 0 || offset + length > blob.size)
      throw new RangeError(`read ${offset}+${length} past end ${blob.size}`);
  };
  return {
    size: blob.size,
    async read(offset, length) {
      check(offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
    async readInto(offset, target) {
      check(offset, target.byteLength);
      target.set(new Uint8Array(await blob.slice(offset, offset + target.byteLength).arrayBuffer()));
    },
  };
}
