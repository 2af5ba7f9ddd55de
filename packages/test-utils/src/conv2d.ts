/** NCHW tensor for the reference implementations (float64). */
export interface Tensor4 {
  readonly data: Float64Array;
  readonly shape: readonly [number, number, number, number];
}

/** Parameters of {@link conv2d}: everything explicit, ONNX semantics. */
export interface Conv2dParams {
  /** OIHW, I = C / groups. */
  readonly weight: { readonly data: ArrayLike<number>; readonly shape: readonly [number, number, number, number] };
  readonly bias?: ArrayLike<number>;
  readonly stride?: readonly [number, number];
  /** [top, left, bottom, right]. */
  readonly pads?: readonly [number, number, number, number];
  readonly dilation?: readonly [number, number];
  readonly groups?: number;
}

/**
 * The obviously correct convolution: seven nested loops, zero padding,
 * float64 accumulation. Slow on purpose; the reference for every test.
 */
export function conv2d(x: Tensor4, p: Conv2dParams): Tensor4 {
  const [n, c, h, w] = x.shape;
  const [o, iPer, kh, kw] = p.weight.shape;
  const [sh, sw] = p.stride ?? [1, 1];
  const [pt, pl, pb, pr] = p.pads ?? [0, 0, 0, 0];
  const [dh, dw] = p.dilation ?? [1, 1];
  const g = p.groups ?? 1;
  if (iPer * g !== c) throw new Error(`conv2d: weight reads ${iPer}x${g} channels, input has ${c}`);
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const out = new Float64Array(n * o * oh * ow);
  const oPer = o / g;
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++) {
      const grp = Math.floor(oc / oPer);
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let acc = p.bias === undefined ? 0 : p.bias[oc]!;
          for (let i = 0; i < iPer; i++) {
            const ic = grp * iPer + i;
            for (let ky = 0; ky < kh; ky++) {
              const iy = y * sh - pt + ky * dh;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = xo * sw - pl + kx * dw;
                if (ix < 0 || ix >= w) continue;
                acc +=
                  p.weight.data[((oc * iPer + i) * kh + ky) * kw + kx]! * x.data[((b * c + ic) * h + iy) * w + ix]!;
              }
            }
          }
          out[((b * o + oc) * oh + y) * ow + xo] = acc;
        }
    }
  return { data: out, shape: [n, o, oh, ow] };
}

/** Inference BatchNorm on NCHW: gamma * (x - mean) / sqrt(var + eps) + beta. */
export function batchNorm(
  x: Tensor4,
  bn: {
    gamma: ArrayLike<number>;
    beta: ArrayLike<number>;
    mean: ArrayLike<number>;
    variance: ArrayLike<number>;
    eps: number;
  },
): Tensor4 {
  const [n, c, h, w] = x.shape;
  const out = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const s = Math.sqrt(bn.variance[ch]! + bn.eps);
      for (let i = 0; i < h * w; i++) {
        const j = (b * c + ch) * h * w + i;
        out[j] = (bn.gamma[ch]! * (x.data[j]! - bn.mean[ch]!)) / s + bn.beta[ch]!;
      }
    }
  return { data: out, shape: x.shape };
}

/** Average pool counting zero padding in the divisor (ONNX count_include_pad = 1). */
export function avgPool(
  x: Tensor4,
  size: readonly [number, number],
  stride: readonly [number, number],
  pads: readonly [number, number, number, number],
): Tensor4 {
  const [n, c, h, w] = x.shape;
  const [kh, kw] = size;
  const oh = Math.floor((h + pads[0] + pads[2] - kh) / stride[0]) + 1;
  const ow = Math.floor((w + pads[1] + pads[3] - kw) / stride[1]) + 1;
  const out = new Float64Array(n * c * oh * ow);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let acc = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = y * stride[0] - pads[0] + ky;
              const ix = xo * stride[1] - pads[1] + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) acc += x.data[((b * c + ch) * h + iy) * w + ix]!;
            }
          out[((b * c + ch) * oh + y) * ow + xo] = acc / (kh * kw);
        }
  return { data: out, shape: [n, c, oh, ow] };
}

/** Element-wise sum of same-shaped tensors. */
export function addTensors(ts: readonly Tensor4[]): Tensor4 {
  const out = new Float64Array(ts[0]!.data.length);
  for (const t of ts) {
    if (t.data.length !== out.length) throw new Error(`addTensors: shapes ${ts[0]!.shape} and ${t.shape} differ`);
    for (let i = 0; i < out.length; i++) out[i]! += t.data[i]!;
  }
  return { data: out, shape: ts[0]!.shape };
}

/** Pads with a per-channel constant value (DBB's BNAndPad) or zeros. */
export function padTensor(
  x: Tensor4,
  pads: readonly [number, number, number, number],
  value: (c: number) => number = () => 0,
): Tensor4 {
  const [n, c, h, w] = x.shape;
  const oh = h + pads[0] + pads[2];
  const ow = w + pads[1] + pads[3];
  const out = new Float64Array(n * c * oh * ow);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const iy = y - pads[0];
          const ix = xo - pads[1];
          out[((b * c + ch) * oh + y) * ow + xo] =
            iy >= 0 && iy < h && ix >= 0 && ix < w ? x.data[((b * c + ch) * h + iy) * w + ix]! : value(ch);
        }
  return { data: out, shape: [n, c, oh, ow] };
}
