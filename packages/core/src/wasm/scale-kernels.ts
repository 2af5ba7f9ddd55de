import { SCALE_KERNELS_WASM } from "./_scale-kernels-bytes.js";
import { instantiateWasm, wasmKernelsEnabled } from "./wasm-module.js";
import type { DenseRow } from "../engine/branch-accumulator.js";

/**
 * Values per kernel call: `src`, `dst`, `tv`, `pv`, `src2` and `tv2` regions
 * of 128 KiB each (CHUNK float64 values, or CHUNK float32 in their first
 * half), in the module's 12 pages. Small enough to stay in cache between the
 * copy in, the kernel and the copy out.
 */
const CHUNK = 16384;
const SRC = 0;
const DST = 8 * CHUNK;
const TV = 16 * CHUNK;
const PV = 24 * CHUNK;
const SRC2 = 32 * CHUNK;
const TV2 = 40 * CHUNK;

interface Kernels {
  readonly src: Float32Array;
  readonly dst: Float32Array;
  readonly src64: Float64Array;
  readonly dst64: Float64Array;
  readonly tv: Float64Array;
  readonly pv: Float64Array;
  readonly src2: Float32Array;
  readonly tv2: Float64Array;
  /** Both return 1 when every value they stored is finite, else 0. */
  readonly run: (src: number, dst: number, n: number, t: number, p: number) => number;
  readonly vec: (src: number, dst: number, n: number, tv: number, pv: number) => number;
  readonly vec64: (src: number, dst: number, n: number, tv: number, pv: number) => number;
  readonly vecWide: (src: number, dst: number, n: number, tv: number, pv: number) => number;
  readonly pair: (
    a: number,
    b: number,
    dst: number,
    n: number,
    ta: number,
    tb: number,
    pv: number,
    wide: number,
  ) => number;
  readonly lattice: (
    src: number,
    dst: number,
    b: number,
    nb: number,
    t: number,
    tb: number,
    p: number,
    start: number,
    step: number,
  ) => number;
}

/** undefined: not tried yet; null: this runtime cannot run them. */
let loaded: Kernels | null | undefined;

/**
 * Compiles the module on first use (1.7 KB: synchronous compilation is
 * allowed on a browser's main thread). Null where WebAssembly or its SIMD
 * instructions are missing: the JavaScript loops then do the work, with the
 * same bits.
 */
function load(): Kernels | null {
  const exports = instantiateWasm(SCALE_KERNELS_WASM);
  if (exports === null) return null;
  const buffer = (exports.memory as { buffer: ArrayBuffer }).buffer;
  return {
    src: new Float32Array(buffer, SRC, CHUNK),
    dst: new Float32Array(buffer, DST, CHUNK),
    src64: new Float64Array(buffer, SRC, CHUNK),
    dst64: new Float64Array(buffer, DST, CHUNK),
    tv: new Float64Array(buffer, TV, CHUNK),
    pv: new Float64Array(buffer, PV, CHUNK),
    src2: new Float32Array(buffer, SRC2, CHUNK),
    tv2: new Float64Array(buffer, TV2, CHUNK),
    run: exports.scale_run as Kernels["run"],
    vec: exports.scale_vec as Kernels["vec"],
    vec64: exports.scale_vec64 as Kernels["vec64"],
    vecWide: exports.scale_vec_wide as Kernels["vecWide"],
    pair: exports.pair_vec as Kernels["pair"],
    lattice: exports.lattice_pair as Kernels["lattice"],
  };
}

function kernels(): Kernels | undefined {
  if (!wasmKernelsEnabled()) return undefined;
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

/** True when the WebAssembly kernels run in this thread (enabled, and the runtime has WebAssembly SIMD). */
export function wasmKernelsActive(): boolean {
  return kernels() !== undefined;
}

/** What {@link scaleRun} did: nothing (the caller's loop must run), or the values and whether all came out finite. */
export type ScaleOutcome = "not-run" | "finite" | "non-finite";

/**
 * out[dstAt + i] = f32((f64(data[srcAt + i]) * t) * p) for i in [0, n), in
 * WebAssembly SIMD, noting whether every stored value is finite. Does
 * nothing ("not-run") when the kernels are off or either array is not
 * float32: the caller's own loop then runs.
 */
export function scaleRun(
  data: Float32Array | Float64Array,
  srcAt: number,
  out: Float32Array | Float64Array,
  dstAt: number,
  n: number,
  t: number,
  p: number,
): ScaleOutcome {
  if (!(data instanceof Float32Array) || !(out instanceof Float32Array)) return "not-run";
  const k = kernels();
  if (k === undefined) return "not-run";
  let finite = 1;
  for (let done = 0; done < n; done += CHUNK) {
    const m = Math.min(CHUNK, n - done);
    k.src.set(data.subarray(srcAt + done, srcAt + done + m));
    finite &= k.run(SRC, DST, m, t, p);
    out.set(m === CHUNK ? k.dst : k.dst.subarray(0, m), dstAt + done);
  }
  return finite === 1 ? "finite" : "non-finite";
}

/**
 * A scaler by two float64 vectors of one length `n` (at most {@link CHUNK}),
 * loaded into the module once: `run(srcAt, dstAt, rows = 1)` sets, for each
 * of `rows` consecutive runs r of n values (HWIO's input channels at one
 * tap), out[dstAt + r n + i] = (data[srcAt + r n + i] * t[i]) * p[i] for i in [0, n), in
 * float64, rounded once to float32 on store when `out` is float32 (then
 * `data` is too), unrounded into a float64 `out` (`data` float32 or
 * float64), `p` all ones when absent, and returns true
 * when every stored value is finite. Undefined when the kernels are off,
 * the arrays are of mixed or other types, or the vectors too long: the
 * caller's own loop then runs. Valid until the next call of this function
 * in the thread.
 */
export function vectorScaler(
  data: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  t: Float64Array,
  p: Float64Array | undefined,
): ((srcAt: number, dstAt: number, rows?: number) => boolean) | undefined {
  const f32 = data instanceof Float32Array && out instanceof Float32Array;
  const f64 = out instanceof Float64Array;
  if (!(f32 || f64) || t.length > CHUNK) return undefined;
  const k = kernels();
  if (k === undefined) return undefined;
  const n = t.length;
  k.tv.set(t);
  if (p === undefined) k.pv.fill(1, 0, n);
  else k.pv.set(p.subarray(0, n));
  const src = data instanceof Float32Array ? k.src : k.src64;
  const dst = f32 ? k.dst : k.dst64;
  const call = f32 ? k.vec : data instanceof Float32Array ? k.vecWide : k.vec64;
  const [inBytes, outBytes] = [src.BYTES_PER_ELEMENT, dst.BYTES_PER_ELEMENT];
  const perCall = Math.floor(CHUNK / n); // runs copied in and out together: one copy each way per chunk, not per run
  return (srcAt, dstAt, rows = 1) => {
    let finite = 1;
    for (let r0 = 0; r0 < rows; r0 += perCall) {
      const m = Math.min(perCall, rows - r0) * n;
      src.set(data.subarray(srcAt + r0 * n, srcAt + r0 * n + m) as never);
      for (let j = 0; j < m; j += n) finite &= call(SRC + j * inBytes, DST + j * outBytes, n, TV, PV);
      out.set(dst.subarray(0, m) as never, dstAt + r0 * n);
    }
    return finite === 1;
  };
}

/**
 * A scaler of pairs, for the position TF's HWIO kernel shares between a
 * 3x3 and a 1x1: `run(aAt, bAt, dstAt, rows = 1)` sets, for each of `rows`
 * consecutive runs r of n values, out[dstAt + r n + i] =
 * ((a[aAt + r n + i] ta[i]) + (b[bAt + r n + i] tb[i])) p[i] for i in [0, n), in
 * float64, rounded once into a float32 `out` or kept in a float64 one, `p`
 * all ones when absent, and returns true when every stored value is finite.
 * `a` and `b` must be float32. It loads `ta` and `p` where
 * {@link vectorScaler} loads its `t` and `p`: made after a vector scaler
 * with the same two vectors, both stay valid (until the next call of
 * either). Undefined when the kernels are off or the arrays do not fit.
 */
export function pairedScaler(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  ta: Float64Array,
  tb: Float64Array,
  p: Float64Array | undefined,
): ((aAt: number, bAt: number, dstAt: number, rows?: number) => boolean) | undefined {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || ta.length > CHUNK) return undefined;
  const k = kernels();
  if (k === undefined) return undefined;
  const n = ta.length;
  const wide = out instanceof Float64Array ? 1 : 0;
  k.tv.set(ta);
  k.tv2.set(tb.subarray(0, n));
  if (p === undefined) k.pv.fill(1, 0, n);
  else k.pv.set(p.subarray(0, n));
  const dst = wide === 1 ? k.dst64 : k.dst;
  const perCall = Math.floor(CHUNK / n); // runs copied in and out together
  return (aAt, bAt, dstAt, rows = 1) => {
    let finite = 1;
    for (let r0 = 0; r0 < rows; r0 += perCall) {
      const m = Math.min(perCall, rows - r0) * n;
      k.src.set(a.subarray(aAt + r0 * n, aAt + r0 * n + m));
      k.src2.set(b.subarray(bAt + r0 * n, bAt + r0 * n + m));
      for (let j = 0; j < m; j += n)
        finite &= k.pair(SRC + 4 * j, SRC2 + 4 * j, DST + dst.BYTES_PER_ELEMENT * j, n, TV, TV2, PV, wide);
      out.set(dst.subarray(0, m) as never, dstAt + r0 * n);
    }
    return finite === 1;
  };
}

/**
 * {@link scaleRun} for a row of at most one chunk whose positions start +
 * i step (i in [0, nb)) also take a second branch's values: out[dstAt + j] =
 * f32(lead(j) p) for j in [0, n), except at those positions,
 * f32((lead(q) + b(i)) p), where a row's value r(j) is data[at + j] scale
 * in float64: OIHW's row of a RepVGG block, the 3x3 scaled and the 1x1
 * added at the centre tap of each input channel, rounded once. "not-run"
 * when the kernels are off, an array is not float32 or the row is longer
 * than a chunk.
 */
export function scaleRunLattice(
  lead: DenseRow,
  b: DenseRow,
  out: Float32Array | Float64Array,
  dstAt: number,
  n: number,
  p: number,
  nb: number,
  start: number,
  step: number,
): ScaleOutcome {
  if (!(lead.data instanceof Float32Array) || !(b.data instanceof Float32Array) || !(out instanceof Float32Array))
    return "not-run";
  if (n > CHUNK || nb > CHUNK) return "not-run";
  const k = kernels();
  if (k === undefined) return "not-run";
  k.src.set(lead.data.subarray(lead.at, lead.at + n));
  k.src2.set(b.data.subarray(b.at, b.at + nb));
  const t = lead.scale;
  const finite = k.run(SRC, DST, n, t, p) & k.lattice(SRC, DST, SRC2, nb, t, b.scale, p, start, step);
  out.set(k.dst.subarray(0, n), dstAt);
  return finite === 1 ? "finite" : "non-finite";
}
