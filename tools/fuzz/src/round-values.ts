import { narrowBFloat16, narrowFloat16, widenBFloat16, widenFloat16 } from "@reparam/core";
import { UNIT } from "./bound.js";

/** A floating-point storage format of the spellings. */
export type StorageDtype = "float32" | "float16" | "bfloat16";

/** The value `v` becomes when stored as `dtype` (rounded once, to nearest even), as a float64. */
export function roundValue(v: number, dtype: StorageDtype): number {
  switch (dtype) {
    case "float32":
      return Math.fround(v);
    case "float16":
      return widenFloat16(narrowFloat16(v));
    case "bfloat16":
      return widenBFloat16(narrowBFloat16(v));
  }
}

/** {@link roundValue} over an array (a new one). */
export function roundArray(dtype: StorageDtype): (a: Float64Array) => Float64Array {
  return (a) => a.map((v) => roundValue(v, dtype));
}

/** Unit roundoff of a storage format. */
export function unitOf(dtype: StorageDtype): number {
  return UNIT[dtype];
}
