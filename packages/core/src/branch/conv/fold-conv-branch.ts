import type { BatchNorm } from "../../block/batch-norm.js";
import { toKernel64, type Kernel } from "../../block/kernel.js";
import { foldBatchNorm, type KernelBias } from "../../algebra/fold-batch-norm.js";

/** A conv (+ bias) (+ BN) folded into a float64 kernel and bias. */
export function foldConvBranch(
  k: { readonly kernel: Kernel; readonly bias?: ArrayLike<number>; readonly bn?: BatchNorm },
  where: string,
): KernelBias {
  if (k.bn !== undefined) return foldBatchNorm(k.kernel, k.bias, k.bn, where);
  const kernel = toKernel64(k.kernel);
  return { kernel, bias: k.bias === undefined ? new Float64Array(kernel.shape[0]) : Float64Array.from(k.bias) };
}
