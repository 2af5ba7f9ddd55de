import { type Candidate, type FusePlan, type Refusal, refusal } from "@reparam/core";

const ones = (p: readonly number[]) => p.every((v) => v === 1);

/**
 * Whether TF.js can hold a block's fused conv: groups 1, or depthwise
 * (groups = input channels, one input channel per group). tfjs-layers'
 * Conv2D has no `groups`, and TF.js's conv2d op none either; any other
 * grouping is refused with `FORMAT_UNSUPPORTED`. Neither has a conv strided
 * and dilated at once (TF spells one as a stride-1 conv and a StridedSlice,
 * which the view reads as one): such a fused conv is refused the same way.
 * The adapter's `canWrite`.
 */
export function tfjsCanWrite(candidate: Candidate, plan: FusePlan): Refusal | undefined {
  const { groups, kernelShape } = plan;
  const c = candidate.layout.inChannels;
  if (!ones(plan.stride) && !ones(plan.dilation))
    return refusal(
      candidate.name,
      "FORMAT_UNSUPPORTED",
      `the fused conv would be strided (${plan.stride.join("x")}) and dilated (${plan.dilation.join("x")}) at once; TF.js convolutions are one or the other`,
    );
  if (groups === 1 || (groups === c && kernelShape[1] === 1)) return undefined;
  return refusal(
    candidate.name,
    "FORMAT_UNSUPPORTED",
    `the fused conv would have ${groups} groups over ${c} channels; TF.js convolutions have groups 1 or depthwise (groups = channels) only (tfjs-layers' Conv2D has no 'groups')`,
  );
}
