import { ReparamError, UNIT_ROUNDOFF, type Candidate, type DeployConv, type FusePlan } from "@reparam/core";
import { floatValues } from "./codec/_tensor-values.js";
import { isSafetensorsCandidate } from "./safetensors-candidate.js";
import type { SafetensorsModel } from "./codec/safetensors-model.js";

const UNIT: Partial<Record<string, number>> = {
  F32: UNIT_ROUNDOFF.float32,
  F16: UNIT_ROUNDOFF.float16,
  BF16: UNIT_ROUNDOFF.bfloat16,
  F64: UNIT_ROUNDOFF.float64,
};

/**
 * The deploy conv that stands for `candidate` in a converted state dict: its
 * deploy keys (`<prefix>rbr_reparam.weight` / `.bias` ...), with the shapes
 * the plan gives and the plan's geometry (a state dict stores none).
 * Undefined when the converted file does not have the deploy weight (the
 * block's train-time keys are still there). A deploy weight of another shape
 * or dtype is a typed error naming the key.
 */
export async function safetensorsDeployConv(
  converted: SafetensorsModel,
  candidate: Candidate,
  plan: FusePlan,
): Promise<DeployConv | undefined> {
  if (!isSafetensorsCandidate(candidate))
    throw new ReparamError("SAFETENSORS_UNKNOWN_BLOCK", "a block that safetensorsAdapter.findBlocks did not return", {
      where: candidate.name,
    });
  const { weight, bias } = candidate.match.deploy;
  const w = converted.tensors.get(weight);
  if (w === undefined) return undefined;
  const [o] = plan.kernelShape;
  const check = (name: string, shape: readonly number[]) => {
    const t = converted.tensors.get(name);
    const unit = t === undefined ? undefined : UNIT[t.dtype];
    if (
      t === undefined ||
      unit === undefined ||
      t.shape.length !== shape.length ||
      t.shape.some((d, i) => d !== shape[i])
    ) {
      throw new ReparamError(
        "SAFETENSORS_BAD_DEPLOY_TENSOR",
        "a deploy tensor does not have the shape or dtype of the block's fused conv",
        {
          where: JSON.stringify(name),
          expected: `a float tensor [${shape.join(", ")}]`,
          found: t === undefined ? "no such tensor" : `${t.dtype} [${t.shape.join(", ")}]`,
        },
      );
    }
    return { info: t, unit };
  };
  // An nn.Linear's deploy weight is stored [O, I]: the same values as the [O, I, 1, 1] kernel.
  const kw = check(weight, candidate.match.linear === true ? plan.kernelShape.slice(0, 2) : plan.kernelShape);
  const kb = check(bias, [o]);
  const [wb, bb] = await Promise.all([converted.read(weight), converted.read(bias)]);
  const { stride, pads, dilation, groups } = plan;
  return {
    kernel: { data: floatValues(wb, kw.info.dtype), shape: plan.kernelShape },
    bias: floatValues(bb, kb.info.dtype),
    stride,
    pads,
    dilation,
    groups,
    unit: Math.max(kw.unit, kb.unit),
  };
}
