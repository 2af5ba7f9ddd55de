import { QUANTIZE_KERNELS_WASM } from "./_quantize-kernels-bytes.js";
import { instantiateWasm, wasmKernelsEnabled } from "./wasm-module.js";

/** Float64 values per call: `src` at 0 (128 KiB and one value of padding), `dst` at 256 KiB, results at 384 KiB. */
const CHUNK = 16384;
const SRC = 0;
const DST = 256 << 10;
const OUT = 384 << 10;

interface QuantizeModule {
  readonly src: Float64Array;
  readonly out: Float64Array;
  readonly bytes: Uint8Array;
  readonly extent: (src: number, n: number, out: number) => void;
  readonly quantize: (src: number, dst: number, n: number, min: number, scale: number, width: number) => number;
  readonly dequantize: (src: number, dst: number, n: number, min: number, scale: number, width: number) => void;
}

/** undefined: not tried yet; null: this runtime cannot run it. */
let loaded: QuantizeModule | null | undefined;

function module(): QuantizeModule | undefined {
  if (!wasmKernelsEnabled()) return undefined;
  if (loaded === undefined) {
    const exports = instantiateWasm(QUANTIZE_KERNELS_WASM);
    const buffer = exports === null ? undefined : (exports.memory as { buffer: ArrayBuffer }).buffer;
    loaded =
      exports === null || buffer === undefined
        ? null
        : {
            src: new Float64Array(buffer, SRC, CHUNK + 1),
            out: new Float64Array(buffer, OUT, 2),
            bytes: new Uint8Array(buffer),
            extent: exports.extent as QuantizeModule["extent"],
            quantize: exports.quantize_fresh as QuantizeModule["quantize"],
            dequantize: exports.dequantize as QuantizeModule["dequantize"],
          };
  }
  return loaded ?? undefined;
}

/**
 * The least and greatest of `values` as JavaScript's `if (v < lo) lo = v`
 * (and `v > hi`) finds them, in WebAssembly SIMD; undefined when the kernels
 * are off or missing, or when a bound is zero (two lanes may then disagree
 * on its sign: the caller's loop decides).
 */
export function extentWasm(values: Float64Array): { lo: number; hi: number } | undefined {
  const k = module();
  if (k === undefined || values.length === 0) return undefined;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let done = 0; done < values.length; done += CHUNK) {
    const m = Math.min(CHUNK, values.length - done);
    k.src.set(values.subarray(done, done + m));
    k.extent(SRC, m, OUT);
    const [a, b] = [k.out[0]!, k.out[1]!];
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  return lo === 0 || hi === 0 ? undefined : { lo, hi };
}

/**
 * Stores each value's grid index k = trunc((v - min) / scale + HALF_DOWN)
 * into `q` (uint8 or uint16) and returns max |f32(k scale + min) - v|, the
 * float64 operations of quantize-affine's fresh-grid loop, in WebAssembly
 * SIMD; undefined (nothing stored) when the kernels are off or missing.
 */
export function quantizeFreshWasm(
  values: Float64Array,
  q: Uint8Array | Uint16Array,
  min: number,
  scale: number,
): number | undefined {
  const k = module();
  if (k === undefined) return undefined;
  const width = q.BYTES_PER_ELEMENT;
  const qBytes = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  let worst = 0;
  for (let done = 0; done < values.length; done += CHUNK) {
    const m = Math.min(CHUNK, values.length - done);
    k.src.set(values.subarray(done, done + m));
    if (m % 2 === 1) k.src[m] = k.src[m - 1]!; // the pair's other half: the same k, the same error
    const e = k.quantize(SRC, DST, m, min, scale, width);
    if (e > worst) worst = e;
    qBytes.set(k.bytes.subarray(DST, DST + m * width), done * width);
  }
  return worst;
}

/**
 * out[i] = f32(q[i] * scale + min) (float64 multiply and add, rounded once:
 * TF.js's dequantization) in WebAssembly SIMD; false (nothing written) when
 * the kernels are off or missing.
 */
export function dequantizeWasm(q: Uint8Array | Uint16Array, min: number, scale: number, out: Float32Array): boolean {
  const k = module();
  if (k === undefined) return false;
  const width = q.BYTES_PER_ELEMENT;
  const qBytes = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  const f32 = new Float32Array(k.bytes.buffer, DST, CHUNK);
  for (let done = 0; done < q.length; done += CHUNK) {
    const m = Math.min(CHUNK, q.length - done);
    k.bytes.set(qBytes.subarray(done * width, (done + m) * width), SRC); // the kernel reads up to 3 values past m: ignored
    k.dequantize(SRC, DST, m, min, scale, width);
    out.set(m === CHUNK ? f32 : f32.subarray(0, m), done);
  }
  return true;
}
