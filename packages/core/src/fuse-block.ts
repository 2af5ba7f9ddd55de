import type { Block, FusedConv } from "./block.js";
import { branchKernel } from "./branch-kernel.js";
import { expandGroups } from "./expand-groups.js";
import { foldPostBatchNorm } from "./fold-post-batch-norm.js";
import { planBlock, type FusePlan } from "./plan-block.js";
import type { Refusal } from "./refusal.js";
import { sumBranches } from "./sum-branches.js";

/** The result of {@link fuseBlock}: the deploy conv, or why there is none. */
export type FuseResult = { readonly ok: true; readonly conv: FusedConv } | { readonly ok: false; readonly refusal: Refusal };

/**
 * Computes a planned fusion in float64: every branch as its own kernel + bias
 * (BN folded), expanded to the plan's groups, placed at its offset, summed;
 * then the post-BN folded in. The caller rounds once when storing.
 */
export function fuseWithPlan(block: Block, plan: FusePlan): FusedConv {
  const groups = plan.groups;
  const parts = block.branches.map((b, i) => {
    const own = branchKernel(b, block.inChannels, groups, block.name);
    const kernel = expandGroups(own.kernel, b.kind === "conv" || b.kind === "sequential" ? b.groups : groups, groups);
    return { kernel, bias: own.bias, ...plan.placements[i]! };
  });
  const fused = sumBranches(parts, plan.kernelShape);
  if (block.postBn !== undefined) foldPostBatchNorm(fused, block.postBn, `${block.name} (post-BN)`);
  const { stride, pads, dilation } = plan;
  return { kernel: fused.kernel, bias: fused.bias, stride, pads, dilation, groups };
}

/**
 * Fuses a block's branches (and post-BN) into one convolution, in float64,
 * or returns why that would not be provably equivalent ({@link planBlock}).
 */
export function fuseBlock(block: Block): FuseResult {
  const planned = planBlock(block);
  if (!planned.ok) return planned;
  return { ok: true, conv: fuseWithPlan(block, planned.plan) };
}
