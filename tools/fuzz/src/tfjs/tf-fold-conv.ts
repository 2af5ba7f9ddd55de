import type { BnSpec, KernelSpec } from "../block-spec.js";

const f = Math.fround;

/**
 * A BN as the per-channel affine TF's graph optimizer folds it to, in
 * float32 steps: inv = rsqrt(var + eps) * gamma, scale = inv, shift =
 * beta - mean * inv (the `batchnorm/mul` and `batchnorm/sub` constants).
 */
export function tfBnAffine(bn: BnSpec): { scale: Float32Array; shift: Float32Array } {
  const n = bn.gamma.length;
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    const inv = f(f(1 / f(Math.sqrt(f(f(bn.variance[c]!) + f(bn.eps))))) * f(bn.gamma[c]!));
    scale[c] = inv;
    shift[c] = f(f(bn.beta[c]!) - f(f(bn.mean[c]!) * inv));
  }
  return { scale, shift };
}

/**
 * Conv (+bias) -> BN folded as tfjs-converter's output has it, in float32:
 * W' = W * inv[o], b' = beta + (b - mean) * inv (b = 0 without a bias).
 * Without a BN the kernel and bias are only rounded to float32.
 */
export function tfFoldConv(
  kernel: KernelSpec,
  bias: Float64Array | undefined,
  bn: BnSpec | undefined,
): { kernel: KernelSpec; bias?: Float64Array } {
  const o = kernel.shape[0];
  const per = kernel.data.length / o;
  if (bn === undefined)
    return { kernel: { data: kernel.data.map(f), shape: kernel.shape }, ...(bias ? { bias: bias.map(f) } : {}) };
  const inv = tfBnAffine(bn).scale;
  const data = kernel.data.map((w, i) => f(f(w) * inv[Math.floor(i / per)]!));
  const b = new Float64Array(o);
  for (let c = 0; c < o; c++) b[c] = f(f(bn.beta[c]!) + f(f(f(bias?.[c] ?? 0) - f(bn.mean[c]!)) * inv[c]!));
  return { kernel: { data, shape: kernel.shape }, bias: b };
}
