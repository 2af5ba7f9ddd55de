import type { Pads, Pair } from "../block/block.js";
import type { Padding } from "./graph-view.js";

/**
 * Effective pads [top, left, bottom, right] of a conv/pool with `padding`.
 * SAME: total = max((ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0) per axis,
 * the odd one at the end (upper, TF) or start (lower). SAME at a stride > 1
 * needs the input size; returns undefined when it is unknown.
 */
export function effectivePads(
  padding: Padding,
  kernel: Pair,
  stride: Pair,
  dilation: Pair,
  input: Pair | undefined,
): Pads | undefined {
  if (padding.kind === "explicit") return padding.pads;
  if (padding.kind === "valid") return [0, 0, 0, 0];
  // At stride 1 the total, (k - 1) * d, does not depend on the input size.
  const size: Pair | undefined = input ?? (stride[0] === 1 && stride[1] === 1 ? [1, 1] : undefined);
  if (size === undefined) return undefined;
  const axis = (i: 0 | 1): [number, number] => {
    const n = size[i];
    const total = Math.max((Math.ceil(n / stride[i]) - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - n, 0);
    const small = Math.floor(total / 2);
    return padding.kind === "same-upper" ? [small, total - small] : [total - small, small];
  };
  const [t, b] = axis(0);
  const [l, r] = axis(1);
  return [t, l, b, r];
}
