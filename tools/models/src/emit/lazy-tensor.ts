/**
 * A tensor whose bytes are made when it is written (one at a time, so that
 * a large model is never whole in memory): name, dims, ONNX data type
 * (1 float32, 7 int64) and a function giving exactly
 * `product(dims) * elementSize` little-endian bytes.
 */
export interface LazyTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly byteLength: number;
  bytes(): Uint8Array;
}
