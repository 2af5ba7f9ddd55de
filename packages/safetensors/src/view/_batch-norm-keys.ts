import { ReparamError } from "@reparam/core";
import type { BatchNormKeys } from "./block-match.js";

/**
 * The keys of the BatchNorm at `path` (`blocks.0.rbr_dense.bn`): undefined
 * when it has none of `weight`, `bias`, `running_mean`, `running_var`.
 *
 * @throws ReparamError `SAFETENSORS_INCOMPLETE_BLOCK` for a partial one:
 *   running statistics missing, or only one of `weight` and `bias`.
 */
export function batchNormKeys(has: (name: string) => boolean, path: string, block: string): BatchNormKeys | undefined {
  const k = (p: string) => `${path}.${p}`;
  const present = ["weight", "bias", "running_mean", "running_var"].filter((p) => has(k(p)));
  if (present.length === 0) return undefined;
  const missing = ["running_mean", "running_var"].filter((p) => !has(k(p)));
  if (present.length === 3 && missing.length === 0) missing.push(has(k("weight")) ? "bias" : "weight");
  if (missing.length > 0) {
    throw new ReparamError("SAFETENSORS_INCOMPLETE_BLOCK", "a BatchNorm of the block is incomplete", {
      where: `block ${JSON.stringify(block)}, ${JSON.stringify(path)}`,
      expected: "running_mean and running_var, with both or neither of weight and bias",
      found: `${present.join(", ")} (no ${missing.join(", ")})`,
    });
  }
  const tracked = has(k("num_batches_tracked")) ? { tracked: k("num_batches_tracked") } : {};
  const affine = present.length === 4 ? { gamma: k("weight"), beta: k("bias") } : {};
  return { ...affine, mean: k("running_mean"), variance: k("running_var"), ...tracked };
}

/** Every key of a BatchNorm, `num_batches_tracked` included. */
export function batchNormKeyList(bn: BatchNormKeys | undefined): string[] {
  if (bn === undefined) return [];
  return [bn.gamma, bn.beta, bn.mean, bn.variance, bn.tracked].filter((k): k is string => k !== undefined);
}
