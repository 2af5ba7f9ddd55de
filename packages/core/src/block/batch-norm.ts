import { ReparamError } from "../contract/reparam-error.js";

/**
 * Inference-mode BatchNorm over channels: y = gamma * (x - mean) / sqrt(var + eps) + beta.
 * Arrays have one value per channel; float32 inputs widen exactly.
 */
export interface BatchNorm {
  readonly gamma: ArrayLike<number>;
  readonly beta: ArrayLike<number>;
  readonly mean: ArrayLike<number>;
  readonly variance: ArrayLike<number>;
  /** Epsilon added to the variance (PyTorch 1e-5, Keras and YOLO 1e-3). */
  readonly eps: number;
}

/** Per-channel affine form of a BatchNorm: y = scale * x + shift (float64). */
export interface ChannelAffine {
  readonly scale: Float64Array;
  readonly shift: Float64Array;
}

/**
 * The affine form of a BatchNorm, in float64:
 * t = gamma / sqrt(var + eps); scale = t; shift = beta - mean * t.
 * Refuses (CORE_BAD_BATCH_NORM) a variance that is NaN, or var + eps <= 0,
 * or arrays whose lengths disagree.
 *
 * @param where - the model's name of the BatchNorm, for the error message
 */
export function batchNormAffine(bn: BatchNorm, where = "BatchNorm"): ChannelAffine {
  const n = bn.gamma.length;
  if (bn.beta.length !== n || bn.mean.length !== n || bn.variance.length !== n) {
    throw new ReparamError("CORE_BAD_BATCH_NORM", "BatchNorm parameters have different lengths", {
      where,
      expected: `gamma, beta, mean, variance of one length (${n})`,
      found: `${n}, ${bn.beta.length}, ${bn.mean.length}, ${bn.variance.length}`,
    });
  }
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const v = bn.variance[c]! + bn.eps;
    if (!(v > 0)) {
      throw new ReparamError("CORE_BAD_BATCH_NORM", "BatchNorm variance + eps is not positive", {
        where: `${where}[${c}]`,
        expected: "running_var + eps > 0",
        found: `running_var ${bn.variance[c]}, eps ${bn.eps}`,
      });
    }
    const t = bn.gamma[c]! / Math.sqrt(v);
    scale[c] = t;
    shift[c] = bn.beta[c]! - bn.mean[c]! * t;
  }
  return { scale, shift };
}
