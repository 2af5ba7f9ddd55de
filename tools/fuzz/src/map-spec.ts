import type { BlockSpec, BnSpec, BranchSpec, KernelSpec } from "./block-spec.js";

/** Rewrites of a spec's values; each defaults to the identity. */
export interface SpecMapper {
  /** Every BN (branch, identity, pool, BNAndPad and post-sum), before `values` is applied to it. */
  readonly bn?: (bn: BnSpec) => BnSpec;
  /** Every stored value array: kernels, biases and each BN vector. */
  readonly values?: (a: Float64Array) => Float64Array;
  /** BN vectors only, instead of `values` (a float16 model whose BatchNormalization keeps float32 statistics). */
  readonly bnValues?: (a: Float64Array) => Float64Array;
}

/**
 * A copy of `spec` with its values rewritten: how a spelling derives the
 * values it stores (rounded to its dtype, BN as an affine), and how the
 * magnitude spec (absolute values) is made. Geometry is kept.
 */
export function mapSpec(spec: BlockSpec, m: SpecMapper): BlockSpec {
  const values = m.values ?? ((a: Float64Array) => a);
  const bnValues = m.bnValues ?? values;
  const bn = (b: BnSpec): BnSpec => {
    const t = m.bn === undefined ? b : m.bn(b);
    return {
      gamma: bnValues(t.gamma),
      beta: bnValues(t.beta),
      mean: bnValues(t.mean),
      variance: bnValues(t.variance),
      eps: t.eps,
    };
  };
  const kernel = (k: KernelSpec): KernelSpec => ({ data: values(k.data), shape: k.shape });
  const stage = <S extends { kernel: KernelSpec; bias?: Float64Array; bn?: BnSpec }>(s: S): S => ({
    ...s,
    kernel: kernel(s.kernel),
    ...(s.bias === undefined ? {} : { bias: values(s.bias) }),
    ...(s.bn === undefined ? {} : { bn: bn(s.bn) }),
  });
  const branch = (b: BranchSpec): BranchSpec => {
    switch (b.kind) {
      case "conv":
        return stage(b);
      case "identity":
      case "avgpool":
        return b.bn === undefined ? b : { ...b, bn: bn(b.bn) };
      case "sequential":
        return {
          ...b,
          first: stage(b.first),
          ...(b.second === undefined ? {} : { second: stage(b.second) }),
          ...(b.pool === undefined
            ? {}
            : { pool: b.pool.bn === undefined ? b.pool : { ...b.pool, bn: bn(b.pool.bn) } }),
        };
    }
  };
  return {
    ...spec,
    branches: spec.branches.map(branch),
    ...(spec.postBn === undefined ? {} : { postBn: bn(spec.postBn) }),
  };
}

/** t = gamma / sqrt(var + eps) and the shift beta - mean * t, per channel, in float64. */
export function bnAffine(bn: BnSpec): { scale: Float64Array; shift: Float64Array } {
  const n = bn.gamma.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    scale[c] = bn.gamma[c]! / Math.sqrt(bn.variance[c]! + bn.eps);
    shift[c] = bn.beta[c]! - bn.mean[c]! * scale[c]!;
  }
  return { scale, shift };
}

/** A BN that computes exactly scale * x + shift: mean 0, variance 1, eps 0. */
export function affineBn(scale: Float64Array, shift: Float64Array): BnSpec {
  return {
    gamma: scale,
    beta: shift,
    mean: new Float64Array(scale.length),
    variance: new Float64Array(scale.length).fill(1),
    eps: 0,
  };
}

/**
 * The magnitude spec: every value in absolute value, each BN as the affine
 * |t| x + (|beta| + |mean t|). Evaluated on |x| it gives M, the size of
 * every term the block's output sums (see `bound.ts`).
 */
export function magnitudeSpec(spec: BlockSpec): BlockSpec {
  const abs = (a: Float64Array) => a.map(Math.abs);
  return mapSpec(spec, {
    bn: (b) => {
      const { scale } = bnAffine(b);
      const shift = b.beta.map((beta, c) => Math.abs(beta) + Math.abs(b.mean[c]! * scale[c]!));
      return affineBn(abs(scale), shift);
    },
    values: abs,
  });
}
