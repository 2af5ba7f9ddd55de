import { effectivePads } from "@reparam/core";
import type { Pads4 } from "../block-spec.js";

/** TF's SAME pads [top, left, bottom, right] (the odd one at the end) of a window over an input of `size`. */
export function tfSamePads(
  size: readonly [number, number],
  kernel: readonly [number, number],
  stride: number,
  dilation: readonly [number, number] = [1, 1],
): Pads4 {
  return effectivePads({ kind: "same-upper" }, kernel, [stride, stride], dilation, size)!;
}

/** Whether two pads are the same. */
export const samePads = (a: Pads4, b: Pads4): boolean => a.every((v, i) => v === b[i]);

/** Whether every pad is zero. */
export const noPads = (p: Pads4): boolean => p.every((v) => v === 0);
