/** A typed-array constructor over a buffer (Float32Array, Int32Array, BigInt64Array, ...). */
export interface TypedArrayConstructor<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * True on little-endian hosts (all current browsers and Node platforms),
 * where typed arrays hold the byte order of ONNX, safetensors and TF.js files.
 */
export const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `width`-byte element of `bytes` in place and returns `bytes` (big-endian hosts only need this). */
export function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  for (let i = 0; i + width <= bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  return bytes;
}

/**
 * Elements stored little-endian in `bytes`, as a `T`. A view into `bytes`
 * when its byteOffset is aligned to the element size (no copy), a copy when
 * it is not (or when the host is big-endian, where bytes are also swapped).
 * The caller checks that `bytes.byteLength` is a multiple of the element size.
 */
export function littleEndianArray<T>(bytes: Uint8Array, ctor: TypedArrayConstructor<T>): T {
  const size = ctor.BYTES_PER_ELEMENT;
  const length = bytes.byteLength / size;
  if (hostLittleEndian && bytes.byteOffset % size === 0) return new ctor(bytes.buffer, bytes.byteOffset, length);
  // A copy of its own (new Uint8Array): a Node Buffer's slice() is a view of the same memory.
  const copy = new Uint8Array(bytes);
  if (!hostLittleEndian) swapBytes(copy, size);
  return new ctor(copy.buffer, 0, length);
}

/** The bytes of a typed array in little-endian order: a view on little-endian hosts, a swapped copy otherwise. */
export function littleEndianBytes(values: Float32Array | Float64Array | Uint16Array): Uint8Array {
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return hostLittleEndian ? view : swapBytes(view.slice(), values.BYTES_PER_ELEMENT);
}
