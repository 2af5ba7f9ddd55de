import type { Pads4 } from "./block-spec.js";

/**
 * How a block's branches pad: PyTorch's convention (k // 2 on both sides, so
 * 1x1 pads 0 and 1xk pads (0, k // 2)), or TF/ONNX 'same' with the odd
 * extra pad at the end (SAME_UPPER, TF's 'SAME') or at the start (SAME_LOWER).
 */
export type PadMode = "torch" | "same-upper" | "same-lower";

/**
 * The 'same' pads of one dimension: total = max((ceil(n / s) - 1) * s + k - n, 0),
 * split begin/end with the odd one at the end (upper) or start (lower).
 */
export function samePads1d(n: number, k: number, s: number, upper: boolean): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  const small = Math.floor(total / 2);
  return upper ? [small, total - small] : [total - small, small];
}

/** Effective pads [top, left, bottom, right] of a kh x kw window over an [h, w] input. */
export function branchPads(
  mode: PadMode,
  kernel: readonly [number, number],
  stride: number,
  size: readonly [number, number],
): Pads4 {
  const [kh, kw] = kernel;
  if (mode === "torch") return [kh >> 1, kw >> 1, kh >> 1, kw >> 1];
  const upper = mode === "same-upper";
  const [t, b] = samePads1d(size[0], kh, stride, upper);
  const [l, r] = samePads1d(size[1], kw, stride, upper);
  return [t, l, b, r];
}

/** True when `pads` are what `mode` gives for this window, stride and input size. */
export function padsAre(
  mode: PadMode,
  pads: Pads4,
  kernel: readonly [number, number],
  stride: number,
  size: readonly [number, number],
): boolean {
  const want = branchPads(mode, kernel, stride, size);
  return want.every((p, i) => p === pads[i]);
}
