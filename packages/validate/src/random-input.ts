import { ReparamError } from "@reparam/core";
import { seededValues } from "./seeded-values.js";

/** Integer input dtypes, as onnxruntime and TF.js name them. */
const INTEGER = new Set(["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]);
/** Floating-point input dtypes: values are drawn in float32 and rounded by the runtime's tensor. */
const FLOAT = new Set(["float32", "float16", "bfloat16", "float64"]);

/** True when model inputs of `dtype` can be fed (every float, integer and bool dtype). */
export function isFeedableDtype(dtype: string): boolean {
  return FLOAT.has(dtype) || INTEGER.has(dtype) || dtype === "bool";
}

/**
 * `n` seeded random values for a model input of `dtype`: floats uniform in
 * [-1, 1), integers uniform in 0..15 (small and non-negative: indices,
 * lengths and rates stay in range for most graphs), bools 0 or 1.
 * Throws `VALIDATE_BAD_INPUT` for other dtypes (strings, sequences, maps).
 *
 * @param where - the input, for the error message.
 */
export function randomInput(dtype: string, seed: number, n: number, where: string): ArrayLike<number> {
  if (FLOAT.has(dtype)) return seededValues(seed, n);
  const max = INTEGER.has(dtype) ? 16 : dtype === "bool" ? 2 : 0;
  if (max === 0) {
    throw new ReparamError("VALIDATE_BAD_INPUT", "cannot make values for this input dtype", {
      where,
      expected: "a float, integer or bool tensor",
      found: dtype,
    });
  }
  // u in [0, 1): floor(u * max) is uniform over 0 .. max - 1.
  return Int32Array.from(seededValues(seed, n, 0, 1), (u) => Math.min(max - 1, Math.floor(u * max)));
}
