import type { FusedStorage } from "./finite-guard.js";

/** The dtype fused values are stored in: float32, float64, or float16/bfloat16 bit patterns. */
export type FusedDtype = "f32" | "f64" | "f16" | "bf16";

/** The typed array that holds each fused dtype: float32, float64, or float16/bfloat16 bit patterns. */
const STORAGE = { f32: Float32Array, f64: Float64Array, f16: Uint16Array, bf16: Uint16Array } as const;

/** Bytes per fused value of each dtype. */
export const FUSED_BYTES: Readonly<Record<FusedDtype, number>> = { f32: 4, f64: 8, f16: 2, bf16: 2 };

/** The storage type of `dtype`: what `FuseTarget.kernel` and `.bias` must be. */
export function storageType(dtype: FusedDtype): (typeof STORAGE)[FusedDtype] {
  return STORAGE[dtype];
}

/**
 * `n` values of `dtype`'s storage over the start of `bytes` (a pooled
 * buffer, its old contents: `fuseTo` writes every value), for a `FuseTarget`.
 * `bytes` must be aligned for the dtype and hold at least n values.
 */
export function fusedStorageIn(bytes: Uint8Array, dtype: FusedDtype, n: number): FusedStorage {
  return new STORAGE[dtype](bytes.buffer as ArrayBuffer, bytes.byteOffset, n);
}
