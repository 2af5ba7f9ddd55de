import { type Block, type FusePlan, type FuseWindow, fuseTo, littleEndianBytes } from "@reparam/core";

/** A float dtype fused tensors are written in. */
export type FusedDtype = "F32" | "F16" | "BF16" | "F64";

const CORE_DTYPE = { F32: "f32", F16: "f16", BF16: "bf16", F64: "f64" } as const;

/**
 * Fuses a planned block straight into the bytes of its deploy weight (OIHW)
 * and bias, little-endian, in `dtype`: core's `fuseTo` computes each output
 * channel in float64 and rounds it once (to nearest, ties to even) into the
 * storage dtype, so that neither a float64 kernel nor a second copy ever
 * exists whole, and checks that no value came out NaN or infinite.
 *
 * @param window - only output channels [from, to), from a block whose
 *   kernels hold only those rows (core's `FuseWindow`); the bytes are theirs.
 */
export function fuseToBytes(
  block: Block,
  plan: FusePlan,
  dtype: FusedDtype,
  window?: FuseWindow,
): { weight: Uint8Array; bias: Uint8Array } {
  const f = fuseTo(block, plan, { dtype: CORE_DTYPE[dtype], ...(window ? { window } : {}) });
  return { weight: littleEndianBytes(f.kernel), bias: littleEndianBytes(f.bias) };
}
