// One float64 seen as two uint32 words (little-endian platforms, as TF.js and
// onnxruntime assume): word 1 holds sign, exponent and the top 20 fraction bits.
const f64 = new Float64Array(1);
const words = new Uint32Array(f64.buffer);
// Adding then subtracting 2^52 rounds a value in [0, 2^52) to an integer, ties to even.
const TWO_52 = 4503599627370496;

/**
 * float64 -> float16 bit pattern, rounded once to nearest, ties to even, by
 * integer operations on the float64's bits (no logarithms, no powers): the
 * same result as the generic `roundToFormat(x, FLOAT16)` for every input
 * (subnormals, overflow to infinity, infinities, NaN as the positive quiet
 * NaN), about 20x faster.
 */
export function narrowFloat16Fast(x: number): number {
  f64[0] = x;
  const hi = words[1]!;
  const lo = words[0]!;
  const sign = (hi >>> 16) & 0x8000;
  const e = (hi >>> 20) & 0x7ff;
  // NaN: the positive quiet NaN whatever its sign bit (as roundToFormat, whose `x < 0` is false for NaN).
  if (e === 0x7ff) return (hi & 0xfffff) !== 0 || lo !== 0 ? 0x7e00 : sign | 0x7c00;
  const exp = e - 1008; // float16 biased exponent: e - 1023 + 15
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    // Subnormal (or zero) in float16: |x| * 2^24 is exact, then one rounding to an integer
    // (1024 is the smallest normal's bit pattern, also right).
    if (exp < -10) return sign; // |x| < 2^-25, at most half the smallest subnormal: 0 (a tie goes to even 0)
    const a = Math.abs(x) * 16777216;
    return sign | (a + TWO_52 - TWO_52);
  }
  // Normal: keep 10 of the 52 fraction bits; the 42 dropped are hi's low 10 and all of lo.
  // Up when the dropped part is past half, or half with lo or the kept last bit set (ties to even):
  // its top 10 bits (hi & 0x3ff) + 0x1ff + (lo or odd ? 1 : 0) reaches 0x400 exactly then. Branch-free, since the dropped bits
  // of real weights are random (a branch on them mispredicts half the time). A carry into the
  // exponent is right, up to infinity.
  const bits = (exp << 10) | ((hi >>> 10) & 0x3ff);
  const sticky = lo | (bits & 1) | 0;
  return sign | (bits + (((hi & 0x3ff) + 0x1ff + ((sticky | -sticky) >>> 31)) >> 10));
}

let table: Float32Array | undefined;

/**
 * float16 bit pattern -> its value, from a table of all 65,536 patterns (made
 * on first use, 256 KiB): every float16 value is a float32, so the table is
 * exact.
 */
export function widenFloat16Fast(bits: number): number {
  return (table ??= float16Table())[bits & 0xffff]!;
}

/**
 * The value of every float16 bit pattern, computed from its fields once: a
 * normal or infinite one's float32 bits directly (exponent rebiased, fraction
 * shifted), a subnormal one as fraction x 2^-24, NaN as the canonical NaN. At
 * start-up, before the optimizing compiler: integer steps only, no powers.
 */
function float16Table(): Float32Array {
  const t = new Float32Array(65536);
  const bits = new Uint32Array(t.buffer);
  for (let b = 0; b < 65536; b++) {
    const sign = (b & 0x8000) << 16;
    const field = (b >> 10) & 0x1f;
    const frac = b & 0x3ff;
    if (field === 0) t[b] = (sign === 0 ? frac : -frac) * 2 ** -24;
    else if (field === 0x1f && frac !== 0) t[b] = Number.NaN;
    else bits[b] = (sign | ((field === 0x1f ? 0xff : field + 112) << 23) | (frac << 13)) >>> 0;
  }
  return t;
}

/** The table {@link widenFloat16Fast} reads: index a float16 bit pattern, get its value. Do not mutate. */
export function float16Values(): Float32Array {
  return (table ??= float16Table());
}
