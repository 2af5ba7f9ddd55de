/** A binary floating-point storage format narrower than float64. */
export interface BinaryFormat {
  /** Explicit mantissa (fraction) bits: 10 for float16, 7 for bfloat16. */
  readonly mantissaBits: number;
  /** Exponent field bits: 5 for float16, 8 for bfloat16. */
  readonly exponentBits: number;
}

function floorLog2(a: number): number {
  let e = Math.floor(Math.log2(a));
  // log2 may be off by one next to powers of two; fix it exactly.
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  return e;
}

/** Rounds a non-negative value < 2^53 to the nearest integer, ties to even. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f; // exact: v and f share the exponent range
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Rounds a float64 value once, to nearest with ties to even, into the bit
 * pattern of `fmt` (IEEE-754 layout: sign, exponent, fraction). Handles
 * subnormals, overflow to infinity, infinities and NaN (quiet NaN, sign kept).
 */
export function roundToFormat(x: number, fmt: BinaryFormat): number {
  const m = fmt.mantissaBits;
  const bias = (1 << (fmt.exponentBits - 1)) - 1;
  const expMask = (1 << fmt.exponentBits) - 1;
  const sign = x < 0 || Object.is(x, -0) ? 1 << (m + fmt.exponentBits) : 0;
  if (Number.isNaN(x)) return sign | (expMask << m) | (1 << (m - 1));
  const a = Math.abs(x);
  if (a === 0) return sign;
  if (a === Infinity) return sign | (expMask << m);
  const minExp = 1 - bias;
  const e = Math.max(floorLog2(a), minExp);
  // a / 2^(e - m) is exact in float64 (power-of-two scaling, no overflow here).
  let q = roundHalfEven(a / 2 ** (e - m));
  let exp = e;
  if (q === 2 ** (m + 1)) {
    q = 2 ** m;
    exp += 1;
  }
  if (q < 2 ** m) return sign | q; // subnormal (or zero); q === 2^m is the smallest normal
  const field = exp + bias;
  if (field >= expMask) return sign | (expMask << m); // overflow: infinity
  return sign | (field << m) | (q - 2 ** m);
}

/** Widens a bit pattern of `fmt` to its exact float64 value. */
export function widenFromFormat(bits: number, fmt: BinaryFormat): number {
  const m = fmt.mantissaBits;
  const bias = (1 << (fmt.exponentBits - 1)) - 1;
  const expMask = (1 << fmt.exponentBits) - 1;
  const s = (bits >> (m + fmt.exponentBits)) & 1 ? -1 : 1;
  const field = (bits >> m) & expMask;
  const frac = bits & ((1 << m) - 1);
  if (field === expMask) return frac === 0 ? s * Infinity : Number.NaN;
  if (field === 0) return s * frac * 2 ** (1 - bias - m);
  return s * (2 ** m + frac) * 2 ** (field - bias - m);
}
