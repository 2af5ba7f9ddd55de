import { batchNormAffine, type BatchNorm } from "../block/batch-norm.js";
import type { Kernel64 } from "../block/kernel.js";
import type { KernelBias } from "../algebra/fold-batch-norm.js";

/** Applies y = scale * x + shift per output channel to a kernel with zero bias (identity, avg-pool). */
export function scaleByBatchNorm(kernel: Kernel64, bn: BatchNorm | undefined, where: string): KernelBias {
  const o = kernel.shape[0];
  if (bn === undefined) return { kernel, bias: new Float64Array(o) };
  const { scale, shift } = batchNormAffine(bn, where);
  const per = kernel.data.length / o;
  for (let c = 0; c < o; c++) for (let i = c * per; i < (c + 1) * per; i++) kernel.data[i]! *= scale[c]!;
  return { kernel, bias: shift };
}
