/** Typed arrays accepted as tensor data; a Uint16Array holds float16 or bfloat16 bit patterns. */
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint16Array;
