import type { Pads, Pair } from "@reparam/core";

/** Output [H, W] of a conv or pool: SAME ceil(n / s), VALID floor((n - span) / s) + 1, explicit pads added first. */
export function convOutSize(
  size: Pair,
  kernel: Pair,
  stride: Pair,
  dilation: Pair,
  padding: "same" | "valid" | Pads,
): Pair | undefined {
  const axis = (i: 0 | 1): number => {
    const n = size[i];
    if (padding === "same") return Math.ceil(n / stride[i]);
    const padded = padding === "valid" ? n : n + padding[i] + padding[i + 2]!;
    return Math.floor((padded - (kernel[i] - 1) * dilation[i] - 1) / stride[i]) + 1;
  };
  const out: Pair = [axis(0), axis(1)];
  return out[0] >= 1 && out[1] >= 1 ? out : undefined;
}

/** [H, W] after adding pads [top, left, bottom, right]. */
export function paddedSize(size: Pair, pads: Pads): Pair {
  return [size[0] + pads[0] + pads[2], size[1] + pads[1] + pads[3]];
}

/**
 * [H, W] of an elementwise op's output under broadcasting: per axis, the
 * size of any input that is larger than 1 there (broadcasting makes every
 * other input 1 or equal); 1 when every input is known and 1; unknown when
 * no known input is larger than 1 and some input is unknown.
 */
export function broadcastSize(inputs: readonly (Pair | undefined)[]): Pair | undefined {
  const axis = (i: 0 | 1): number | undefined => {
    const big = inputs.find((s) => s !== undefined && s[i] > 1);
    if (big !== undefined) return big[i];
    return inputs.every((s) => s !== undefined) ? 1 : undefined;
  };
  const h = axis(0);
  const w = axis(1);
  return h === undefined || w === undefined ? undefined : [h, w];
}

/** [H, W] from an NHWC shape (`[N, H, W, C]`, unknown dims null or -1), when both are known. */
export function nhwcSize(shape: readonly unknown[] | undefined): Pair | undefined {
  if (shape === undefined || shape.length !== 4) return undefined;
  const h = Number(shape[1]);
  const w = Number(shape[2]);
  return shape[1] !== null && shape[2] !== null && Number.isSafeInteger(h) && Number.isSafeInteger(w) && h > 0 && w > 0
    ? [h, w]
    : undefined;
}
