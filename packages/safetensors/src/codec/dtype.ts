/**
 * One row of {@link SAFETENSORS_DTYPES}: what the reference implementation
 * (huggingface/safetensors, `Dtype` in `tensor.rs`) knows about a dtype.
 */
export interface SafetensorsDtypeInfo {
  /** Bits per element. Sub-byte dtypes (`F4`, `F6_*`) are packed with no padding. */
  readonly bits: number;
  /**
   * Position in the reference's `Dtype` enum, which is declared in increasing
   * alignment order. The reference writer sorts tensors by this rank
   * descending (then by name), which is NOT the same as sorting by size:
   * `U64` > `I64` > `F64` > `C64`, and `BF16` > `F16`.
   */
  readonly rank: number;
}

/**
 * Every safetensors dtype, with its bit size and writer rank: the runtime twin
 * of {@link SafetensorsDtype}. Keys are the exact strings of the JSON header.
 */
export const SAFETENSORS_DTYPES = {
  BOOL: { bits: 8, rank: 0 },
  F4: { bits: 4, rank: 1 },
  F6_E2M3: { bits: 6, rank: 2 },
  F6_E3M2: { bits: 6, rank: 3 },
  U8: { bits: 8, rank: 4 },
  I8: { bits: 8, rank: 5 },
  F8_E5M2: { bits: 8, rank: 6 },
  F8_E4M3: { bits: 8, rank: 7 },
  F8_E8M0: { bits: 8, rank: 8 },
  I16: { bits: 16, rank: 9 },
  U16: { bits: 16, rank: 10 },
  F16: { bits: 16, rank: 11 },
  BF16: { bits: 16, rank: 12 },
  I32: { bits: 32, rank: 13 },
  U32: { bits: 32, rank: 14 },
  F32: { bits: 32, rank: 15 },
  C64: { bits: 64, rank: 16 },
  F64: { bits: 64, rank: 17 },
  I64: { bits: 64, rank: 18 },
  U64: { bits: 64, rank: 19 },
} as const satisfies Record<string, SafetensorsDtypeInfo>;

/** A safetensors dtype string as it appears in a header (`"F32"`, `"BF16"`, `"F8_E4M3"`, ...). */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** True when `value` is one of the dtype strings of {@link SAFETENSORS_DTYPES}. */
export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === "string" && Object.hasOwn(SAFETENSORS_DTYPES, value);
}

/** Bits per element of `dtype` (4 for `F4`, 6 for `F6_*`, 8 to 64 otherwise). */
export function dtypeBits(dtype: SafetensorsDtype): number {
  return SAFETENSORS_DTYPES[dtype].bits;
}
