import { extentWasm, quantizeFreshWasm } from "../wasm/quantize-kernels.js";

/** Integer storage of an affine-quantized tensor: 1 or 2 bytes per element, little-endian. */
export type AffineDtype = "uint8" | "uint16";

/** The grid of an affine-quantized tensor: a stored integer q stands for `q * scale + min`. */
export interface AffineRange {
  readonly min: number;
  readonly scale: number;
}

/** What {@link quantizeAffine} made. */
export interface AffineQuantized extends AffineRange {
  readonly dtype: AffineDtype;
  /** `values.length` integers, 1 or 2 bytes each, little-endian. */
  readonly bytes: Uint8Array;
  /** max |stored - exact| over the tensor, the stored value dequantized as TF.js does: float32(q * scale + min). */
  readonly maxError: number;
  /** max - min of the exact values (0 for a constant or empty tensor). */
  readonly range: number;
  /** True when `previous` held every value: the grid (and so the bytes of an unchanged tensor) is the input's. */
  readonly keptRange: boolean;
}

/** Largest stored integer of each dtype. */
export const AFFINE_MAX: Readonly<Record<AffineDtype, number>> = { uint8: 255, uint16: 65535 };

/**
 * Quantizes exact (float64) values to `dtype` on an affine grid, each value
 * rounded once to its nearest grid point. The grid is `previous` (the
 * input's min and scale) when every value dequantizes there to its own
 * float32 rounding, so that a tensor the fusion left unchanged keeps its
 * exact bytes; else a fresh one spanning the values: min = min(values),
 * scale = (max - min) / qmax (1 for a constant tensor, whose values are then
 * all `min`). With the fresh grid each stored value is within scale / 2 of
 * the exact one, plus the float32 rounding of its dequantization.
 *
 * @param values - the exact values, finite.
 * @param dtype - `uint8` (qmax 255) or `uint16` (qmax 65535).
 * @param previous - the grid the tensor had in the input, if any.
 * @param into - where the stored integers go (a reused buffer of exactly
 *   `values.length` x 1 or 2 bytes, 2-byte aligned for uint16); new memory
 *   when absent or not that.
 */
export function quantizeAffine(
  values: ArrayLike<number>,
  dtype: AffineDtype,
  previous?: AffineRange,
  into?: Uint8Array,
): AffineQuantized {
  const n = values.length;
  const qmax = AFFINE_MAX[dtype];
  const { lo, hi } = extent(values);
  const range = n === 0 ? 0 : hi - lo;
  const width = dtype === "uint8" ? 1 : 2;
  const bytes = into?.byteLength === n * width && into.byteOffset % width === 0 ? into : new Uint8Array(n * width);
  const q = dtype === "uint8" ? bytes : new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  if (previous !== undefined && onGrid(values, previous, qmax, q)) {
    return { dtype, bytes, ...previous, maxError: maxError(values, q, previous), range, keptRange: true };
  }
  const min = n === 0 ? 0 : lo;
  const scale = range > 0 ? range / qmax : 1;
  const error = onFreshGrid(values, q, min, scale, qmax);
  return { dtype, bytes, min, scale, maxError: error, range, keptRange: false };
}

function extent(values: ArrayLike<number>): { lo: number; hi: number } {
  const fast = values instanceof Float64Array ? extentWasm(values) : undefined;
  if (fast !== undefined) return fast;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}

// Just below one half: floor(x + HALF_DOWN), with the sum rounded to float64, is Math.round(x) for
// every double x >= 0 (a tie k + 0.5 gives k + 1 - 2^-54, which rounds up to k + 1; the double below
// it, and 0.5 - 2^-54, stay below), where floor(x + 0.5) is not (0.5 - 2^-54 + 0.5 rounds to 1).
const HALF_DOWN = 0.49999999999999994;
// Smallest scale for the fast loops: a normal scale is range / qmax to within one rounding.
const NORMAL_SCALE = 2 ** -1000;

/**
 * Fills `q` on the fresh grid and returns max |float32(q * scale + min) - v|, in one pass. The
 * grid spans the values (min is their least), so x = (v - min) / scale is in [0, qmax * (1 +
 * 2^-52)] (every step rounds monotonically; scale is range / qmax to one rounding) and
 * Math.round(x) <= qmax: `(x + HALF_DOWN) | 0` is the stored integer, no clamp needed (NaN gives 0
 * either way). Math.round costs several times the rest of the loop here. A subnormal scale (a
 * range below 2^-992) takes the generic loop.
 */
function onFreshGrid(
  values: ArrayLike<number>,
  q: Uint8Array | Uint16Array,
  min: number,
  scale: number,
  qmax: number,
): number {
  if (!(scale >= NORMAL_SCALE)) return onFreshGeneric(values, q, min, scale, qmax);
  const fast = values instanceof Float64Array ? quantizeFreshWasm(values, q, min, scale) : undefined;
  if (fast !== undefined) return fast;
  return q instanceof Uint8Array ? onFresh8(values, q, min, scale) : onFresh16(values, q, min, scale);
}

// One loop per storage type, each monomorphic.
function onFresh8(values: ArrayLike<number>, q: Uint8Array, min: number, scale: number): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const k = ((v - min) / scale + HALF_DOWN) | 0;
    q[i] = k;
    const e = Math.abs(Math.fround(k * scale + min) - v);
    if (e > m) m = e;
  }
  return m;
}

function onFresh16(values: ArrayLike<number>, q: Uint16Array, min: number, scale: number): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const k = ((v - min) / scale + HALF_DOWN) | 0;
    q[i] = k;
    const e = Math.abs(Math.fround(k * scale + min) - v);
    if (e > m) m = e;
  }
  return m;
}

function onFreshGeneric(
  values: ArrayLike<number>,
  q: Uint8Array | Uint16Array,
  min: number,
  scale: number,
  qmax: number,
): number {
  for (let i = 0; i < values.length; i++) q[i] = Math.min(qmax, Math.max(0, Math.round((values[i]! - min) / scale)));
  return maxError(values, q, { min, scale });
}

/** Fills `q` and returns true when every value is `float32(q * scale + min)` for some q in [0, qmax], rounded to float32. */
function onGrid(values: ArrayLike<number>, g: AffineRange, qmax: number, q: Uint8Array | Uint16Array): boolean {
  if (!(g.scale > 0) || !Number.isFinite(g.min)) return false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const k = Math.round((v - g.min) / g.scale);
    if (!(k >= 0 && k <= qmax) || Math.fround(k * g.scale + g.min) !== Math.fround(v)) return false;
    q[i] = k;
  }
  return true;
}

/** max |float32(q * scale + min) - v|: what the runtime's dequantized weight is off by. */
function maxError(values: ArrayLike<number>, q: Uint8Array | Uint16Array, g: AffineRange): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const e = Math.abs(Math.fround(q[i]! * g.scale + g.min) - values[i]!);
    if (e > m) m = e;
  }
  return m;
}
