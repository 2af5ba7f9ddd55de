import { batchNormAffine, type BatchNorm } from "../block/batch-norm.js";
import type { KernelBias } from "./fold-batch-norm.js";

/**
 * Folds a BatchNorm applied to a conv's output (QARepVGG's BN after the
 * branch sum) into that conv, in place, in float64:
 * W' = W * t[o]; b' = b * t + (beta - mean * t), t = gamma / sqrt(var + eps).
 */
export function foldPostBatchNorm(conv: KernelBias, bn: BatchNorm, where?: string): KernelBias {
  const { scale, shift } = batchNormAffine(bn, where);
  const o = conv.kernel.shape[0];
  const per = conv.kernel.data.length / o;
  for (let c = 0; c < o; c++) {
    for (let j = c * per; j < (c + 1) * per; j++) conv.kernel.data[j]! *= scale[c]!;
    conv.bias[c] = conv.bias[c]! * scale[c]! + shift[c]!;
  }
  return conv;
}
