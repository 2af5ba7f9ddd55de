/**
 * Near-exact real arithmetic for precision tests: values are BigInts scaled
 * by 2^P with P = 640, so float32/float64 inputs convert exactly and every
 * operation errs by at most 2^-640 (far below any rounding decision of a
 * float64, float32 or float16 result).
 */
const P = 640n;

/** An exact-ish real: value = n / 2^640. */
export type Real = bigint;

/** Converts a finite float64 exactly. */
export function real(x: number): Real {
  if (!Number.isFinite(x)) throw new Error(`real: ${x}`);
  if (x === 0) return 0n;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  const shift = BigInt(e) + P;
  return sign * (shift >= 0n ? mant << shift : mant >> -shift);
}

export const add = (a: Real, b: Real): Real => a + b;
export const mul = (a: Real, b: Real): Real => (a * b) >> P;
export const div = (a: Real, b: Real): Real => (a << P) / b;

/** Square root of a non-negative real (Newton on BigInt). */
export function sqrt(a: Real): Real {
  if (a < 0n) throw new Error("sqrt of negative");
  if (a === 0n) return 0n;
  const n = a << P; // sqrt(a * 2^P) = sqrt(value) * 2^P
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * Rounds a real to the nearest value of a binary format with `mantissa`
 * significand bits (24 for float32, 11 for float16, 53 for float64) and
 * smallest normal exponent `minExp` (-126, -14, -1022), ties to even.
 * Returns that value as a number. Overflow is not handled (tests stay in range).
 */
export function roundReal(a: Real, mantissa: number, minExp: number): number {
  if (a === 0n) return 0;
  const neg = a < 0n;
  const m = neg ? -a : a;
  const bits = m.toString(2).length; // value in [2^(bits-1-P), 2^(bits-P))
  const e = Math.max(bits - 1 - Number(P), minExp); // exponent of the leading digit
  const drop = BigInt(e - (mantissa - 1)) + P; // scale of the last kept bit is 2^(e - mantissa + 1)
  let q = drop > 0n ? m >> drop : m << -drop;
  if (drop > 0n) {
    const rem = m - (q << drop);
    const half = 1n << (drop - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const v = Number(q) * 2 ** (e - mantissa + 1);
  return neg ? -v : v;
}

/** Nearest float32 to a real. */
export const toFloat32 = (a: Real): number => roundReal(a, 24, -126);
/** Nearest float16 to a real. */
export const toFloat16 = (a: Real): number => roundReal(a, 11, -14);
