import { widenFloat16 } from "@reparam/core";

/** Orders float bit patterns of `bits` width as integers, so that neighbours differ by 1 (sign-magnitude -> two's complement order). */
function ordered(bits: number, width: 16 | 32): number {
  const sign = width === 32 ? 0x80000000 : 0x8000;
  const mag = width === 32 ? bits & 0x7fffffff : bits & 0x7fff;
  return (bits & sign) !== 0 ? -mag : mag;
}

/** Distance in units in the last place between two float32 values. */
export function ulpDistance32(a: number, b: number): number {
  const f = new Float32Array([a, b]);
  const u = new Uint32Array(f.buffer);
  return Math.abs(ordered(u[0]!, 32) - ordered(u[1]!, 32));
}

/** Distance in float16 ulps between two float16 bit patterns. */
export function ulpDistance16(a: number, b: number): number {
  return Math.abs(ordered(a, 16) - ordered(b, 16));
}

/** Float16 bit patterns of little-endian bytes as numbers (for messages). */
export function float16Values(bits: Uint16Array): number[] {
  return Array.from(bits, widenFloat16);
}
