import type { BatchNorm } from "../block/batch-norm.js";
import { ReparamError } from "../contract/reparam-error.js";
import type { AffineNode } from "./parse-branch.js";

/** A vector of the chain must have one value (a scalar) or one per channel; anything else cannot be composed. */
function checkLength(v: ArrayLike<number>, channels: number, node: AffineNode, what: string): void {
  if (v.length === 1 || v.length === channels) return;
  throw new ReparamError(
    "CORE_AFFINE_CHANNELS",
    "a BatchNorm or constant affine node does not match the channels it applies to",
    {
      where: `'${node.id}' ${what}`,
      expected: `1 or ${channels} values`,
      found: `${v.length}`,
    },
  );
}

/**
 * Loads a chain of BatchNorm / constant affine nodes (in application order)
 * as one BatchNorm over `channels`. A single BatchNorm is returned as it is
 * (its eps kept); anything else is composed in float64 into the exact form
 * gamma = scale, beta = shift, mean = 0, variance = 1, eps = 0.
 * Returns undefined for an empty chain.
 *
 * @param channels - the channels of the tensor the chain applies to (a
 *   post-sum chain: the block's output channels, not its input's).
 * @throws ReparamError `CORE_AFFINE_CHANNELS` when a vector of the chain has
 *   neither one value nor `channels` values (it would read past its end).
 */
export async function composeAffine(chain: readonly AffineNode[], channels: number): Promise<BatchNorm | undefined> {
  if (chain.length === 0) return undefined;
  const only = chain[0]!;
  if (chain.length === 1 && only.op.kind === "batchnorm") {
    const op = only.op;
    const [gamma, beta, mean, variance] = await Promise.all([
      op.gamma.values(),
      op.beta.values(),
      op.mean.values(),
      op.variance.values(),
    ]);
    return { gamma, beta, mean, variance, eps: op.eps };
  }
  const scale = new Float64Array(channels).fill(1);
  const shift = new Float64Array(channels);
  const at = (v: ArrayLike<number>, c: number) => (v.length === 1 ? v[0]! : v[c]!);
  for (const n of chain) {
    let s: ArrayLike<number> = [1];
    let h: ArrayLike<number> = [0];
    if (n.op.kind === "batchnorm") {
      const [g, b, m, v] = await Promise.all([
        n.op.gamma.values(),
        n.op.beta.values(),
        n.op.mean.values(),
        n.op.variance.values(),
      ]);
      for (const [vec, what] of [
        [g, "gamma"],
        [b, "beta"],
        [m, "mean"],
        [v, "variance"],
      ] as const)
        checkLength(vec, channels, n, what);
      const t = new Float64Array(channels);
      const sh = new Float64Array(channels);
      for (let c = 0; c < channels; c++) {
        t[c] = at(g, c) / Math.sqrt(at(v, c) + n.op.eps);
        sh[c] = at(b, c) - at(m, c) * t[c]!;
      }
      s = t;
      h = sh;
    } else {
      if (n.op.scale) checkLength((s = await n.op.scale.values()), channels, n, "scale");
      if (n.op.shift) checkLength((h = await n.op.shift.values()), channels, n, "shift");
    }
    // (x * scale + shift) * s + h
    for (let c = 0; c < channels; c++) {
      scale[c] = scale[c]! * at(s, c);
      shift[c] = shift[c]! * at(s, c) + at(h, c);
    }
  }
  return {
    gamma: scale,
    beta: shift,
    mean: new Float64Array(channels),
    variance: new Float64Array(channels).fill(1),
    eps: 0,
  };
}

/** Channel count an affine chain implies (BN or vector length), or undefined if all scalar. */
export function affineChannels(chain: readonly AffineNode[]): number | undefined {
  for (const n of chain) {
    const len = n.op.kind === "batchnorm" ? n.op.gamma.shape[0] : (n.op.scale?.shape[0] ?? n.op.shift?.shape[0]);
    if (len !== undefined && len > 1) return len;
  }
  return undefined;
}
