import type { Shape4 } from "../block-spec.js";
import type { Nchw } from "../spelling.js";

/** NCHW [N, C, H, W] values to NHWC [N, H, W, C], as float32 (what TF.js is fed). */
export function nchwToNhwc(x: Nchw): Float32Array {
  const [n, c, h, w] = x.shape;
  const out = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = x.data[(b * c + ch) * h * w + i]!;
  return out;
}

/** NHWC values of shape `[N, H, W, C]` back to an NCHW tensor. */
export function nhwcToNchw(data: ArrayLike<number>, nhwc: Shape4): Nchw {
  const [n, h, w, c] = nhwc;
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h * w; i++)
      for (let ch = 0; ch < c; ch++) out[(b * c + ch) * h * w + i] = data[(b * h * w + i) * c + ch]!;
  return { data: out, shape: [n, c, h, w] };
}
