import type { Block, FusedConv } from "./block.js";
import { fuseChannels } from "./fuse-channels.js";
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
  const per = iPer * kh * kw;
  const data = new Float64Array(o * per);
  const bias = new Float64Array(o);
  fuseChannels(block, plan, (oc, row, b) => {
    data.set(row, oc * per);
    bias[oc] = b;
  });
  const { stride, pads, dilation, groups } = plan;
  return { kernel: { data, shape: plan.kernelShape }, bias, stride, pads, dilation, groups };
}

/**
 * Like {@link fuseWithPlan} but rounds each float64 channel once, straight
 * into float32 storage: the float64 kernel never exists whole.
 */
export function fuseToFloat32(block: Block, plan: FusePlan): { kernel: Float32Array; bias: Float32Array } {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const per = iPer * kh * kw;
  const kernel = new Float32Array(o * per);
  const bias = new Float32Array(o);
  fuseChannels(block, plan, (oc, row, b) => {
    // Float64 -> Float32 stores round to nearest, ties to even. (A loop: V8's
    // TypedArray.set across element types is several times slower.)
    const base = oc * per;
    for (let j = 0; j < per; j++) kernel[base + j] = row[j]!;
    bias[oc] = b;
  });
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
