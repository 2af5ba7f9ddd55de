import {
  type Block,
  type FusedArrays,
  type FuseTarget,
  type FuseWindow,
  FUSED_BYTES,
  fusedStorageIn,
  littleEndianBytes,
} from "@reparam/core";

/** A float dtype fused tensors are written in. */
export type FusedDtype = "F32" | "F16" | "BF16" | "F64";

/** How a block is fused: its fuse decision's `fuse` (counted toward progress), or core's `fuseTo` with a plan. */
export type Fuse = (block: Block, target: FuseTarget) => FusedArrays;

const CORE_DTYPE = { F32: "f32", F16: "f16", BF16: "bf16", F64: "f64" } as const;

/** `n` values of `dtype`'s storage (core's `FuseTarget.kernel`) at the start of `bytes`, a pooled buffer. */
export function fusedStorage(
  bytes: Uint8Array,
  dtype: FusedDtype,
  n: number,
): Float32Array | Float64Array | Uint16Array {
  return fusedStorageIn(bytes, CORE_DTYPE[dtype], n);
}

/** Bytes of `n` values of `dtype`. */
export function fusedByteLength(dtype: FusedDtype, n: number): number {
  return n * FUSED_BYTES[CORE_DTYPE[dtype]];
}

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
 * @param kernel - storage for the weight ({@link fusedStorage}: old
 *   contents, every value is written); its bytes are then a view of it.
 */
export function fuseToBytes(
  fuse: Fuse,
  block: Block,
  dtype: FusedDtype,
  window?: FuseWindow,
  kernel?: Float32Array | Float64Array | Uint16Array,
): { weight: Uint8Array; bias: Uint8Array } {
  const f = fuse(block, { dtype: CORE_DTYPE[dtype], ...(window ? { window } : {}), ...(kernel ? { kernel } : {}) });
  return { weight: littleEndianBytes(f.kernel), bias: littleEndianBytes(f.bias) };
}
