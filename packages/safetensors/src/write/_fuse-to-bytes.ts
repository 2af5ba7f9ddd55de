import { type Block, type FusedArrays, type FuseTarget, type FuseWindow, littleEndianBytes } from "@reparam/core";

/** A float dtype fused tensors are written in. */
export type FusedDtype = "F32" | "F16" | "BF16" | "F64";

/** How a block is fused: its fuse decision's `fuse` (counted toward progress), or core's `fuseTo` with a plan. */
export type Fuse = (block: Block, target: FuseTarget) => FusedArrays;

const CORE_DTYPE = { F32: "f32", F16: "f16", BF16: "bf16", F64: "f64" } as const;

/**
 * Fuses a planned block straight into the bytes of its deploy weight (OIHW)
 * and bias, little-endian, in `dtype`: core's `fuseTo` (through `fuse`)
 * computes each output channel in float64 and rounds it once (to nearest,
 * ties to even) into the storage dtype, so that neither a float64 kernel nor
 * a second copy ever exists whole, and checks that no value came out NaN or
 * infinite.
 *
 * @param window - only output channels [from, to), from a block whose
 *   kernels hold only those rows (core's `FuseWindow`); the bytes are theirs.
 */
export function fuseToBytes(
  fuse: Fuse,
  block: Block,
  dtype: FusedDtype,
  window?: FuseWindow,
): { weight: Uint8Array; bias: Uint8Array } {
  const f = fuse(block, { dtype: CORE_DTYPE[dtype], ...(window ? { window } : {}) });
  return { weight: littleEndianBytes(f.kernel), bias: littleEndianBytes(f.bias) };
}
