// Exact widening of 16-bit float bit patterns. Every float16 and bfloat16
// value is a float64 value, so these never round.

const scratch = new DataView(new ArrayBuffer(4));

/** The value of an IEEE 754 binary16 bit pattern (low 16 bits of `bits`). */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal: f * 2^-14 / 2^10
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (0x400 + fraction) * 2 ** (exponent - 25); // (1 + f/2^10) * 2^(e-15)
}

/** The value of a bfloat16 bit pattern: the upper half of a float32 (low 16 bits of `bits`). */
export function bfloat16ToNumber(bits: number): number {
  scratch.setUint32(0, (bits & 0xffff) << 16);
  return scratch.getFloat32(0);
}
