import { randomBn, randomVector } from "../_random-values.js";
import type { Rng } from "../rng.js";
import type { NewOp, RegionBuilder } from "./region-builder.js";
import type { Pair } from "./region-spec.js";

/** One axis of a window: kernel k, dilation d, pads before / after, and the outputs it gives. */
export interface AxisGeometry {
  readonly k: number;
  readonly d: number;
  readonly before: number;
  readonly after: number;
  readonly out: number;
}

/** Stride 1 or 2 per axis, mostly square. */
export function drawStride(rng: Rng): Pair {
  const s = rng.bool(0.3) ? 2 : 1;
  return rng.bool(0.15) ? [s, 3 - s] : [s, s];
}

/** Groups dividing both channel counts: mostly 1, sometimes depthwise, sometimes another divisor. */
export function drawGroups(rng: Rng, c: number, o: number): number {
  const common: number[] = [];
  for (let g = 1; g <= Math.min(c, o); g++) if (c % g === 0 && o % g === 0) common.push(g);
  if (common.length === 1 || rng.bool(0.55)) return 1;
  return rng.bool(0.5) && common.includes(c) ? c : rng.pick(common);
}

/**
 * Pads (each side at most the extent - 1) that give `out` outputs of a window
 * of extent `e` at stride `s` over `size`, or undefined when none do.
 */
export function fitPads(rng: Rng, size: number, e: number, s: number, out: number): [number, number] | undefined {
  const least = s * (out - 1) + e - size;
  const lo = Math.max(0, least);
  const hi = Math.min(least + s - 1, 2 * (e - 1));
  if (lo > hi) return undefined;
  const total = rng.int(lo, hi);
  const min = Math.max(0, total - (e - 1));
  const max = Math.min(total, e - 1);
  const half = Math.floor(total / 2);
  const before = rng.bool(0.6) && half >= min && half <= max ? half : rng.int(min, max);
  return [before, total - before];
}

/**
 * A window along an axis: kernel k, dilation d, "same", zero or random pads
 * (zero when `valid` and the input is large enough); at least one output.
 */
export function drawAxis(rng: Rng, size: number, s: number, k: number, d: number, valid = false): AxisGeometry {
  const e = d * (k - 1) + 1;
  let before: number;
  let after: number;
  const mode = rng.weighted([
    ["same", 0.5],
    ["zero", 0.2],
    ["random", 0.3],
  ] as const);
  if (valid && size >= e) [before, after] = [0, 0];
  else if (mode === "same") [before, after] = [Math.floor((e - 1) / 2), e - 1 - Math.floor((e - 1) / 2)];
  else if (mode === "zero") [before, after] = [0, 0];
  else [before, after] = [rng.int(0, e - 1), rng.int(0, e - 1)];
  if (size + before + after < e) [before, after] = [e - 1, e - 1];
  return { k, d, before, after, out: Math.floor((size + before + after - e) / s) + 1 };
}

/** A BatchNormalization over c channels (eps 1e-5 or 1e-3), input to be set. */
export function bnOp(rng: Rng, c: number): NewOp {
  return { kind: "bn", input: "", ...randomBn(rng, c, rng.pick([1e-5, 1e-3])) };
}

/** x op c by a constant, one value or one per channel, input to be set. */
export function affineOp(rng: Rng, c: number): NewOp {
  const op = rng.pick(["Mul", "Add", "Sub", "Div"] as const);
  const n = rng.bool(0.6) ? c : 1;
  const value = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sign = rng.bool(0.2) ? -1 : 1;
    value[i] = op === "Add" || op === "Sub" ? rng.f32(-1, 1) : sign * rng.f32(op === "Div" ? 0.5 : 0.25, 2);
  }
  return { kind: "affine", input: "", op, value, constFirst: op !== "Div" && rng.bool(0.3) };
}

/** A conv's or Linear's bias: random, or one value in every channel (so that a constant Pad can be its frame). */
export function drawBias(rng: Rng, o: number, uniform = 0.25): Float64Array {
  if (rng.bool(uniform)) return new Float64Array(o).fill(rng.f32(-1, 1));
  return randomVector(rng, o);
}

/** Ops after a conv or a sum: a BN (probability `bn`), then up to two affines. */
export function tailOps(rng: Rng, c: number, bn: number): NewOp[] {
  const ops: NewOp[] = [];
  if (rng.bool(bn)) ops.push(bnOp(rng, c));
  if (rng.bool(0.3)) for (let i = rng.int(1, 2); i > 0; i--) ops.push(affineOp(rng, c));
  return ops;
}

/** Applies `ops` (inputs to be set) one after another to `t`. */
export function emitChain(b: RegionBuilder, t: string, ops: readonly NewOp[]): string {
  let y = t;
  for (const op of ops) y = b.emit({ ...op, input: y } as NewOp, b.shape(y));
  return y;
}
