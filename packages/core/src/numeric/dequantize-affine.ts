import { dequantizeWasm } from "../wasm/quantize-kernels.js";

/**
 * The float32 values of affine-quantized integers, as TF.js dequantizes
 * them: out[i] = float32(q[i] * scale + min), the multiply and add in
 * float64, rounded once. In WebAssembly SIMD where it runs, else a loop per
 * storage type (the same bits).
 *
 * @param out - where the values go (`q.length` of them; new memory when absent).
 */
export function dequantizeAffine(
  q: Uint8Array | Uint16Array,
  min: number,
  scale: number,
  out: Float32Array = new Float32Array(q.length),
): Float32Array {
  if (out.length !== q.length) throw new RangeError(`dequantizeAffine: ${q.length} values, ${out.length} places`);
  if (dequantizeWasm(q, min, scale, out)) return out;
  return q instanceof Uint8Array ? affine8(q, min, scale, out) : affine16(q, min, scale, out);
}

// One loop per storage type, each monomorphic.
function affine8(q: Uint8Array, min: number, scale: number, out: Float32Array): Float32Array {
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * scale + min;
  return out;
}

function affine16(q: Uint16Array, min: number, scale: number, out: Float32Array): Float32Array {
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * scale + min;
  return out;
}
