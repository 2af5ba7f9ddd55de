/** A float32 TF.js weight whose values are made when it is written (see `writeTfjsShards`). */
export interface LazyWeight {
  /** Manifest name, `<layer>/<weight>` (`stage1_0_rbr_dense_conv/kernel`). */
  readonly name: string;
  readonly shape: readonly number[];
  /** `product(shape)` float32 values, row-major in `shape`. */
  values(): Float32Array;
}
