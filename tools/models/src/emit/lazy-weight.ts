/** A TF.js weight whose values are made when it is written (see `writeTfjsShards`). */
export interface LazyWeight {
  /** Manifest name, `<layer>/<weight>` (`stage1_0_rbr_dense_conv/kernel`), or a graph Const's node name. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Default `float32`; `int32` for graph index constants (`Pad/paddings`, `Mean/reduction_indices`). */
  readonly dtype?: "float32" | "int32";
  /** `product(shape)` values, row-major in `shape`, of the weight's dtype. */
  values(): Float32Array | Int32Array;
}
