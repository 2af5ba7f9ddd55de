/**
 * One tensor of a generated model, without its values: a state-dict key, a
 * shape (OIHW for conv kernels, `[out, in]` for linear weights, `[]` for
 * `num_batches_tracked`) and how its values are drawn.
 */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: "F32" | "I64";
  readonly init: TensorInit;
}

/**
 * How values are drawn (see `tensorValues`):
 * - `kaiming`: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), PyTorch's default conv and
 *   linear init (weights and biases);
 * - `gamma`: U(0.5, 1.5); `beta` and `mean`: N(0, 0.1^2); `var`: U(0.5, 2);
 * - `count`: an integer in [1, 100000) (`num_batches_tracked`).
 */
export type TensorInit =
  | { readonly kind: "kaiming"; readonly fanIn: number }
  | { readonly kind: "gamma" | "beta" | "mean" | "var" | "count" };
