/** True on little-endian hosts (every common one); typed-array views are then the file's byte order. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `width`-byte element in place (big-endian hosts only need this). */
export function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  for (let i = 0; i + width <= bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  return bytes;
}

/** The bytes of a typed array in little-endian order: a view on little-endian hosts, a swapped copy otherwise. */
export function littleEndianBytes(values: Float32Array | Float64Array | Uint16Array): Uint8Array {
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return HOST_LITTLE_ENDIAN ? view : swapBytes(view.slice(), values.BYTES_PER_ELEMENT);
}
