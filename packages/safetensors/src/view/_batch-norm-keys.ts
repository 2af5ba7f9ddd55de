import { ReparamError } from "@reparam/core";
import type { BatchNormKeys } from "./block-match.js";

/** Running-statistics names: PyTorch's, and Paddle's (`_mean`, `_variance`; PaddleOCR ports keep them). */
const STATS = [
  ["running_mean", "running_var"],
  ["_mean", "_variance"],
] as const;

/**
 * The keys of the BatchNorm at `path` (`blocks.0.rbr_dense.bn`): undefined
 * when it has none of `weight`, `bias` and its running statistics
 * (`running_mean`, `running_var`, or Paddle's `_mean`, `_variance`).
 *
 * @throws ReparamError `SAFETENSORS_INCOMPLETE_BLOCK` for a partial one:
 *   running statistics missing, or only one of `weight` and `bias`; or both
 *   PyTorch's and Paddle's statistics.
 */
export function batchNormKeys(has: (name: string) => boolean, path: string, block: string): BatchNormKeys | undefined {
  const k = (p: string) => `${path}.${p}`;
  const styles = STATS.filter((names) => names.some((p) => has(k(p))));
  const [mean, variance] = styles[0] ?? STATS[0];
  const present = ["weight", "bias", mean, variance].filter((p) => has(k(p)));
  if (present.length === 0) return undefined;
  const missing: string[] = [mean, variance].filter((p) => !has(k(p)));
  if (present.length === 3 && missing.length === 0) missing.push(has(k("weight")) ? "bias" : "weight");
  if (missing.length > 0 || styles.length > 1) {
    throw new ReparamError("SAFETENSORS_INCOMPLETE_BLOCK", "a BatchNorm of the block is incomplete", {
      where: `block ${JSON.stringify(block)}, ${JSON.stringify(path)}`,
      expected:
        "running_mean and running_var (or Paddle's _mean and _variance, not both), with both or neither of weight and bias",
      found:
        styles.length > 1
          ? "running_mean/running_var and _mean/_variance"
          : `${present.join(", ")} (no ${missing.join(", ")})`,
    });
  }
  const tracked = has(k("num_batches_tracked")) ? { tracked: k("num_batches_tracked") } : {};
  const affine = present.length === 4 ? { gamma: k("weight"), beta: k("bias") } : {};
  return { ...affine, mean: k(mean), variance: k(variance), ...tracked };
}

/** Every key of a BatchNorm, `num_batches_tracked` included. */
export function batchNormKeyList(bn: BatchNormKeys | undefined): string[] {
  if (bn === undefined) return [];
  return [bn.gamma, bn.beta, bn.mean, bn.variance, bn.tracked].filter((k): k is string => k !== undefined);
}
