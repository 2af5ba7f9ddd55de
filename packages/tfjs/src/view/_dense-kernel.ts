import type { ConstRef, NeutralOp } from "@reparam/core";
import type { TfjsWeight } from "../codec/tfjs-weight.js";
import { weightConst } from "./_weight-const.js";

/** True for a float32 weight of rank 2 (a Dense / MatMul kernel `[in, out]`). */
export function isDenseKernel(w: TfjsWeight | undefined): w is TfjsWeight {
  return w !== undefined && w.dtype === "float32" && w.shape.length === 2;
}

/**
 * A Dense / MatMul kernel `[in, out]` as a 1x1 conv's, OIHW `[out, in, 1, 1]`:
 * y = x W over the last axis is a pointwise conv, so the matcher fuses a
 * Linear and the BatchNorms around it (LeViT's Linear_BN, RepViT's
 * BN_Linear) as it fuses a conv. `[in, out]` has the bytes of HWIO
 * `[1, 1, in, out]`.
 */
export function denseKernelConst(w: TfjsWeight): ConstRef {
  return weightConst({ ...w, shape: [1, 1, w.shape[0]!, w.shape[1]!] }, "hwio");
}

/** A Linear layer (Dense, MatMul) as core's op: a 1x1 conv of `kernel` `[in, out]` (+ bias) marked `linear`. */
export function linearConvOp(kernel: TfjsWeight, bias: ConstRef | undefined): NeutralOp {
  return {
    kind: "conv",
    kernel: denseKernelConst(kernel),
    ...(bias ? { bias } : {}),
    stride: [1, 1],
    padding: { kind: "explicit", pads: [0, 0, 0, 0] },
    dilation: [1, 1],
    groups: 1,
    linear: true,
  };
}
