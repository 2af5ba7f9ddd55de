import { batchNormAffine, type BatchNorm } from "../block/batch-norm.js";
import { toKernel64, type Kernel, type Kernel64 } from "../block/kernel.js";

/** A conv kernel with its bias, both float64. */
export interface KernelBias {
  readonly kernel: Kernel64;
  readonly bias: Float64Array;
}

/**
 * Folds a BatchNorm that follows a convolution into the convolution, in float64:
 * t = gamma / sqrt(var + eps); W' = W * t[o]; b' = beta + (b - mean) * t.
 * A missing bias counts as zero. The kernel is OIHW with O = BN channels.
 */
export function foldBatchNorm(
  kernel: Kernel,
  bias: ArrayLike<number> | undefined,
  bn: BatchNorm,
  where?: string,
): KernelBias {
  const k = toKernel64(kernel);
  const [o] = k.shape;
  const { scale } = batchNormAffine(bn, where);
  const per = k.data.length / o;
  const data = new Float64Array(k.data.length);
  const b = new Float64Array(o);
  for (let c = 0; c < o; c++) {
    const t = scale[c]!;
    for (let i = c * per; i < (c + 1) * per; i++) data[i] = k.data[i]! * t;
    // b' = beta + (b - mean) * t, grouped as written so that b = 0 gives beta - mean * t exactly.
    b[c] = bn.beta[c]! + ((bias === undefined ? 0 : bias[c]!) - bn.mean[c]!) * t;
  }
  return { kernel: { data, shape: k.shape }, bias: b };
}
