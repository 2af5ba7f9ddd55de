import type { BnSpec, KernelSpec, Shape4 } from "./block-spec.js";
import type { Rng } from "./rng.js";

/** n float32 values uniform in [-scale, scale). */
export function randomVector(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.f32(-scale, scale);
  return out;
}

/** An OIHW kernel of float32 values, sometimes scaled by 1/sqrt(fan-in) as initialisers do. */
export function randomKernel(rng: Rng, shape: Shape4): KernelSpec {
  const [o, i, kh, kw] = shape;
  const scale = rng.bool(0.5) ? 1 : 1 / Math.sqrt(i * kh * kw);
  return { data: randomVector(rng, o * i * kh * kw, scale), shape };
}

/**
 * Inference BatchNorm statistics, all float32: gamma in +-[0.25, 1.75]
 * (sometimes negative), beta and mean up to +-1 (mean sometimes +-4), and a
 * quarter of the variances tiny (1e-6 .. 1e-3, log-uniform), where
 * gamma / sqrt(var + eps) is large and eps matters.
 */
export function randomBn(rng: Rng, channels: number, eps: number): BnSpec {
  const gamma = new Float64Array(channels);
  const beta = new Float64Array(channels);
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  const meanScale = rng.bool(0.2) ? 4 : 1;
  const tinyShare = rng.pick([0, 0.25, 1]);
  for (let c = 0; c < channels; c++) {
    gamma[c] = rng.f32(0.25, 1.75) * (rng.bool(0.1) ? -1 : 1);
    beta[c] = rng.f32(-1, 1);
    mean[c] = rng.f32(-meanScale, meanScale);
    variance[c] = rng.bool(tinyShare) ? rng.f32(1e-6, 1e-3, true) : rng.f32(0.25, 2);
  }
  return { gamma, beta, mean, variance, eps };
}
