import { type BatchNorm, batchNormAffine } from "@reparam/core";

/**
 * A branch's BatchNorm with a factor s on its output (one value, or one per
 * channel), negated when the branch is subtracted, composed in float64:
 * s * (gamma * (x - mean) / sqrt(var + eps) + beta) is the BatchNorm with
 * gamma' = gamma * s, beta' = beta * s (mean, var, eps unchanged). A branch
 * without BatchNorm gets the exact form gamma = s, beta = 0, mean = 0,
 * var = 1, eps = 0 (t = s / sqrt(1) = s, no rounding).
 *
 * @param channels - the branch's output channels.
 */
export function scaleBatchNorm(
  bn: BatchNorm | undefined,
  scale: ArrayLike<number>,
  negate: boolean,
  channels: number,
): BatchNorm {
  const sign = negate ? -1 : 1;
  const s = (c: number) => sign * (scale.length === 1 ? scale[0]! : scale[c]!);
  const gamma = new Float64Array(channels);
  const beta = new Float64Array(channels);
  if (bn === undefined) {
    for (let c = 0; c < channels; c++) gamma[c] = s(c);
    return { gamma, beta, mean: new Float64Array(channels), variance: new Float64Array(channels).fill(1), eps: 0 };
  }
  for (let c = 0; c < channels; c++) {
    gamma[c] = bn.gamma[c]! * s(c);
    beta[c] = bn.beta[c]! * s(c);
  }
  return { gamma, beta, mean: bn.mean, variance: bn.variance, eps: bn.eps };
}

/**
 * BatchNorms applied one after the other as one, composed in float64: a
 * single one as it is (its eps kept); several in the exact form gamma =
 * t2 * t1, beta = t2 * s1 + s2 (each t = gamma / sqrt(var + eps), s =
 * beta - mean * t), mean 0, var 1, eps 0. Undefined for none.
 */
export function composeBatchNorms(chain: readonly BatchNorm[]): BatchNorm | undefined {
  if (chain.length <= 1) return chain[0];
  const n = chain[0]!.mean.length;
  const gamma = new Float64Array(n).fill(1);
  const beta = new Float64Array(n);
  for (const bn of chain) {
    const { scale, shift } = batchNormAffine(bn);
    for (let c = 0; c < n; c++) {
      gamma[c] = gamma[c]! * scale[c]!;
      beta[c] = beta[c]! * scale[c]! + shift[c]!;
    }
  }
  return { gamma, beta, mean: new Float64Array(n), variance: new Float64Array(n).fill(1), eps: 0 };
}
