import { narrowFloat16Array } from "@reparam/core";

/** What an onnxruntime `Tensor` of each feedable dtype takes as data. */
export type OrtFeedData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * The typed array onnxruntime takes for a feed of `dtype` (`float16` as its
 * bit patterns in a Uint16Array, `bool` as 0/1 bytes, 64-bit integers as
 * bigints). Values of integer dtypes are rounded to the nearest integer.
 * Throws for a dtype onnxruntime feeds cannot hold (the caller checked).
 */
export function ortFeedData(dtype: string, data: ArrayLike<number>): OrtFeedData {
  const int = (v: number) => Math.round(v);
  switch (dtype) {
    case "float32":
      return Float32Array.from(data);
    case "float64":
      return Float64Array.from(data);
    case "float16":
      return narrowFloat16Array(data);
    case "int8":
      return Int8Array.from(data, int);
    case "uint8":
      return Uint8Array.from(data, int);
    case "bool":
      return Uint8Array.from(data, (v) => (v !== 0 ? 1 : 0));
    case "int16":
      return Int16Array.from(data, int);
    case "uint16":
      return Uint16Array.from(data, int);
    case "int32":
      return Int32Array.from(data, int);
    case "uint32":
      return Uint32Array.from(data, int);
    case "int64":
      return BigInt64Array.from(Array.from(data), (v) => BigInt(int(v)));
    case "uint64":
      return BigUint64Array.from(Array.from(data), (v) => BigInt(int(v)));
    default:
      throw new Error(`onnxruntime inputs of type ${dtype} are not supported`);
  }
}
