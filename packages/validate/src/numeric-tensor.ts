/**
 * A model input or output as the comparison sees it, whatever runtime made
 * it: row-major values (float16 already widened to numbers), the runtime's
 * dtype name (`float32`, `float16`, `int64` ...) and the shape.
 */
export interface NumericTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** A model's declared input or output: name, dtype and dims (`string` or `null` for a dynamic one; `null` dims for an unknown rank). */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: string;
  readonly dims: readonly (number | string | null)[] | null;
}
