import type { Block, FusedConv } from "./block.js";
import { fuseInto } from "./fuse-into.js";
import { planBlock, type FusePlan } from "./plan-block.js";
import type { Refusal } from "./refusal.js";

/** The result of {@link fuseBlock}: the deploy conv, or why there is none. */
export type FuseResult = { readonly ok: true; readonly conv: FusedConv } | { readonly ok: false; readonly refusal: Refusal };

/**
 * Computes a planned fusion in float64 (see {@link fuseChannels}); the caller
 * rounds once when storing. For large models prefer {@link fuseToFloat32}.
 */
export function fuseWithPlan(block: Block, plan: FusePlan): FusedConv {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const data = new Float64Array(o * iPer * kh * kw);
  const bias = new Float64Array(o);
  fuseInto(block, plan, data, bias);
  const { stride, pads, dilation, groups } = plan;
  return { kernel: { data, shape: plan.kernelShape }, bias, stride, pads, dilation, groups };
}

/**
 * Like {@link fuseWithPlan} but rounds each value once, straight into float32
 * storage: the float64 kernel never exists whole.
 */
export function fuseToFloat32(block: Block, plan: FusePlan): { kernel: Float32Array; bias: Float32Array } {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const kernel = new Float32Array(o * iPer * kh * kw);
  const bias = new Float32Array(o);
  fuseInto(block, plan, kernel, bias);
  return { kernel, bias };
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
