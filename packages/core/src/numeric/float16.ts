import { narrowFloat16Fast, widenFloat16Fast } from "./fast-float16.js";
import { roundToFormat, widenFromFormat, type BinaryFormat } from "./round-to-format.js";

/** IEEE-754 binary16. */
export const FLOAT16: BinaryFormat = { mantissaBits: 10, exponentBits: 5 };
/** bfloat16: float32's exponent, 7 fraction bits. */
export const BFLOAT16: BinaryFormat = { mantissaBits: 7, exponentBits: 8 };

/** float16 bit pattern -> exact float64 value (a table lookup, see {@link widenFloat16Fast}). */
export function widenFloat16(bits: number): number {
  return widenFloat16Fast(bits);
}

/** float64 -> float16 bit pattern, rounded once to nearest, ties to even (on the float64's bits, see {@link narrowFloat16Fast}). */
export function narrowFloat16(x: number): number {
  return narrowFloat16Fast(x);
}

/** bfloat16 bit pattern -> exact float64 value. */
export function widenBFloat16(bits: number): number {
  return widenFromFormat(bits, BFLOAT16);
}

/** float64 -> bfloat16 bit pattern, rounded once (not via float32) to nearest, ties to even. */
export function narrowBFloat16(x: number): number {
  return roundToFormat(x, BFLOAT16);
}

/** Widens an array of float16 bit patterns to float64. */
export function widenFloat16Array(bits: Uint16Array): Float64Array {
  const out = new Float64Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = widenFloat16(bits[i]!);
  return out;
}

/** Narrows float64 values to float16 bit patterns (one rounding each). */
export function narrowFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = narrowFloat16(values[i]!);
  return out;
}
