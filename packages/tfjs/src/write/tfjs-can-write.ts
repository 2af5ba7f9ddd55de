import { type Candidate, type FusePlan, type Refusal, refusal } from "@reparam/core";

/**
 * Whether TF.js can hold a block's fused conv: groups 1, or depthwise
 * (groups = input channels, one input channel per group). tfjs-layers'
 * Conv2D has no `groups`, and TF.js's conv2d op none either; any other
 * grouping is refused with `FORMAT_UNSUPPORTED`. The adapter's `canWrite`.
 */
export function tfjsCanWrite(candidate: Candidate, plan: FusePlan): Refusal | undefined {
  const { groups, kernelShape } = plan;
  const c = candidate.layout.inChannels;
  if (groups === 1 || (groups === c && kernelShape[1] === 1)) return undefined;
  return refusal(
    candidate.name,
    "FORMAT_UNSUPPORTED",
    `the fused conv would have ${groups} groups over ${c} channels; TF.js convolutions have groups 1 or depthwise (groups = channels) only (tfjs-layers' Conv2D has no 'groups')`,
  );
}
