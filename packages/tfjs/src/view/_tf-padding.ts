import { effectivePads, type Padding, type Pads, type Pair } from "@reparam/core";

/**
 * TF's SAME pads [top, left, bottom, right] (the odd one at the end). At
 * stride 1 they do not depend on the input size (total = (k - 1) * d per
 * axis), so they are known even when the size is not; otherwise undefined
 * without the size.
 */
export function samePads(kernel: Pair, stride: Pair, dilation: Pair, size: Pair | undefined): Pads | undefined {
  return effectivePads(
    { kind: "same-upper" },
    kernel,
    stride,
    dilation,
    size ?? (stride[0] === 1 && stride[1] === 1 ? [1, 1] : undefined),
  );
}

/**
 * A TF conv's padding as core's {@link Padding}. SAME at stride 1 becomes
 * its (size-independent) explicit pads, so that blocks of a model with an
 * unknown input size still match; SAME at a larger stride stays SAME and is
 * resolved by the matcher from the input size.
 */
export function tfPadding(padding: "same" | "valid", kernel: Pair, stride: Pair, dilation: Pair): Padding {
  if (padding === "valid") return { kind: "valid" };
  const pads = samePads(kernel, stride, dilation, undefined);
  return pads === undefined ? { kind: "same-upper" } : { kind: "explicit", pads };
}

/** How a fused conv pads in TF terms: SAME or VALID when that is exact, else explicit pads. */
export type TfPadMode =
  | { readonly kind: "same" }
  | { readonly kind: "valid" }
  | { readonly kind: "explicit"; readonly pads: Pads };

/**
 * The TF spelling of a fused conv's pads: `same` when they equal TF's SAME
 * pads for this input size, `valid` when all zero, else explicit.
 */
export function tfPadMode(pads: Pads, kernel: Pair, stride: Pair, dilation: Pair, size: Pair | undefined): TfPadMode {
  const same = samePads(kernel, stride, dilation, size);
  if (same?.every((p, i) => p === pads[i])) return { kind: "same" };
  if (pads.every((p) => p === 0)) return { kind: "valid" };
  return { kind: "explicit", pads };
}
