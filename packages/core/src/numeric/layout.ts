import { shapeSize } from "../block/kernel.js";

type Shape4 = readonly [number, number, number, number];

function permute4(
  data: ArrayLike<number>,
  shape: Shape4,
  perm: Shape4,
): { data: Float64Array; shape: [number, number, number, number] } {
  const out = new Float64Array(shapeSize(shape));
  const outShape = [shape[perm[0]], shape[perm[1]], shape[perm[2]], shape[perm[3]]] as [number, number, number, number];
  const inStride = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const s = [inStride[perm[0]]!, inStride[perm[1]]!, inStride[perm[2]]!, inStride[perm[3]]!];
  let o = 0;
  for (let a = 0; a < outShape[0]; a++)
    for (let b = 0; b < outShape[1]; b++)
      for (let c = 0; c < outShape[2]; c++)
        for (let d = 0; d < outShape[3]; d++) out[o++] = data[a * s[0]! + b * s[1]! + c * s[2]! + d * s[3]!]!;
  return { data: out, shape: outShape };
}

/** TF's HWIO kernel `[kh, kw, in/groups, out]` to OIHW. */
export function hwioToOihw(
  data: ArrayLike<number>,
  shape: Shape4,
): { data: Float64Array; shape: [number, number, number, number] } {
  return permute4(data, shape, [3, 2, 0, 1]);
}

/** OIHW `[out, in/groups, kh, kw]` to TF's HWIO. */
export function oihwToHwio(
  data: ArrayLike<number>,
  shape: Shape4,
): { data: Float64Array; shape: [number, number, number, number] } {
  return permute4(data, shape, [2, 3, 1, 0]);
}

/**
 * TF depthwise kernel `[kh, kw, C, M]` (channel multiplier M) to the OIHW
 * kernel of the equivalent conv with groups = C: shape `[C * M, 1, kh, kw]`,
 * output channel `c * M + m`.
 */
export function hwcmToOihw(
  data: ArrayLike<number>,
  shape: Shape4,
): { data: Float64Array; shape: [number, number, number, number] } {
  const [kh, kw, c, m] = shape;
  const out = new Float64Array(shapeSize(shape));
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let ci = 0; ci < c; ci++)
        for (let mi = 0; mi < m; mi++) out[((ci * m + mi) * kh + y) * kw + x] = data[((y * kw + x) * c + ci) * m + mi]!;
  return { data: out, shape: [c * m, 1, kh, kw] };
}

/** Inverse of {@link hwcmToOihw}: OIHW `[C * M, 1, kh, kw]` to `[kh, kw, C, M]`. */
export function oihwToHwcm(
  data: ArrayLike<number>,
  shape: Shape4,
  channels: number,
): { data: Float64Array; shape: [number, number, number, number] } {
  const [o, , kh, kw] = shape;
  const m = o / channels;
  const out = new Float64Array(shapeSize(shape));
  for (let ci = 0; ci < channels; ci++)
    for (let mi = 0; mi < m; mi++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((y * kw + x) * channels + ci) * m + mi] = data[((ci * m + mi) * kh + y) * kw + x]!;
  return { data: out, shape: [kh, kw, channels, m] };
}
