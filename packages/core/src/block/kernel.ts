/** Just the OIHW shape of a kernel, `[out, in / groups, kh, kw]`. */
export interface KernelShape {
  readonly shape: readonly [number, number, number, number];
}

/**
 * A convolution kernel in OIHW layout: `shape = [out, in / groups, kh, kw]`,
 * element (o, i, y, x) at `((o * I + i) * KH + y) * KW + x`. Core computes in
 * float64; adapters may hand in float32 data, which widens exactly.
 */
export interface Kernel extends KernelShape {
  readonly data: Float64Array | Float32Array;
}

/** A kernel whose data is float64 (every result of core is one). */
export interface Kernel64 extends Kernel {
  readonly data: Float64Array;
}

/** Number of elements of a shape (product of dims; 1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Widens a kernel to float64 (exact; no copy when already float64). */
export function toKernel64(k: Kernel): Kernel64 {
  if (k.data instanceof Float64Array) return k as Kernel64;
  return { data: Float64Array.from(k.data), shape: k.shape };
}

/** A zero float64 kernel of the given OIHW shape. */
export function zeroKernel(shape: readonly [number, number, number, number]): Kernel64 {
  return { data: new Float64Array(shapeSize(shape)), shape };
}
