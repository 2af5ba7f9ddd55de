import { avgPoolKernel } from "./avgpool/avg-pool-kernel.js";
import { batchNormAffine, type BatchNorm } from "../block/batch-norm.js";
import type { Branch } from "../block/block.js";
import { composeSequential } from "./sequential/compose-sequential.js";
import { foldBatchNorm, type KernelBias } from "../algebra/fold-batch-norm.js";
import { identityKernel } from "./identity/identity-kernel.js";
import { toKernel64, type Kernel, type Kernel64 } from "../block/kernel.js";

/** Applies y = scale * x + shift per output channel to a kernel with zero bias (identity, avg-pool). */
function scaleByBatchNorm(kernel: Kernel64, bn: BatchNorm | undefined, where: string): KernelBias {
  const o = kernel.shape[0];
  if (bn === undefined) return { kernel, bias: new Float64Array(o) };
  const { scale, shift } = batchNormAffine(bn, where);
  const per = kernel.data.length / o;
  for (let c = 0; c < o; c++) for (let i = c * per; i < (c + 1) * per; i++) kernel.data[i]! *= scale[c]!;
  return { kernel, bias: shift };
}

/** A conv (+ bias) (+ BN) folded into a float64 kernel and bias. */
export function foldConvBranch(k: { readonly kernel: Kernel; readonly bias?: ArrayLike<number>; readonly bn?: BatchNorm }, where: string): KernelBias {
  if (k.bn !== undefined) return foldBatchNorm(k.kernel, k.bias, k.bn, where);
  const kernel = toKernel64(k.kernel);
  return { kernel, bias: k.bias === undefined ? new Float64Array(kernel.shape[0]) : Float64Array.from(k.bias) };
}

/**
 * One branch as a float64 kernel + bias over `channels` input channels, with
 * its own groups (`groups` for identity and avg-pool, which fit any).
 */
export function branchKernel(branch: Branch, channels: number, groups: number, where: string): KernelBias {
  switch (branch.kind) {
    case "conv":
      return foldConvBranch(branch, where);
    case "identity":
      return scaleByBatchNorm(identityKernel(channels, groups), branch.bn, where);
    case "avgpool":
      return scaleByBatchNorm(avgPoolKernel(channels, groups, branch.size[0], branch.size[1]), branch.bn, where);
    case "sequential": {
      const a = foldConvBranch(branch.first, `${where} (1x1)`);
      const b = foldConvBranch(branch.second, `${where} (kxk)`);
      return composeSequential(a.kernel, a.bias, b.kernel, b.bias, branch.groups);
    }
  }
}
