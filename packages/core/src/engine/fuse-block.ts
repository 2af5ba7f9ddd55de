import type { Block, FusedConv } from "../block/block.js";
import { fuseTo } from "./fuse-to.js";
import type { FusePlan } from "../block/fuse-plan.js";
import { planBlock } from "../block/plan-block.js";
import type { Refusal } from "../block/refusal.js";

/** The result of {@link fuseBlock}: the deploy conv, or why there is none. */
export type FuseResult =
  | { readonly ok: true; readonly conv: FusedConv }
  | { readonly ok: false; readonly refusal: Refusal };

/**
 * Computes a planned fusion in float64 ({@link fuseTo}, dtype f64); the caller
 * rounds once when storing. For large models prefer {@link fuseTo} into the storage dtype.
 */
export function fuseWithPlan(block: Block, plan: FusePlan): FusedConv {
  const f = fuseTo(block, plan, { dtype: "f64" });
  const { stride, pads, dilation, groups } = plan;
  return {
    kernel: { data: f.kernel as Float64Array, shape: plan.kernelShape },
    bias: f.bias as Float64Array,
    stride,
    pads,
    dilation,
    groups,
  };
}

/**
 * Like {@link fuseWithPlan} but rounds each value once, straight into float32
 * storage: the float64 kernel never exists whole.
 */
export function fuseToFloat32(block: Block, plan: FusePlan): { kernel: Float32Array; bias: Float32Array } {
  return fuseTo(block, plan, { dtype: "f32" }) as { kernel: Float32Array; bias: Float32Array };
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
