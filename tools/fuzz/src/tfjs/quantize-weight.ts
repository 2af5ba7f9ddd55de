import { narrowFloat16 } from "@reparam/core";
import type { TfjsWeight } from "@reparam/tfjs";

/** How a float weight is stored: as float32, or quantized as the TF.js converter's `--quantize_*` flags do. */
export type WeightStorage = "float32" | "uint8" | "uint16" | "float16";

/**
 * The converter's affine range (tensorflowjs `quantization.py`): scale =
 * (max - min) / qmax; when the range covers 0, min is nudged so that 0 is a
 * quantized value exactly.
 */
function affineRange(min: number, max: number, qmax: number): { min: number; scale: number; max: number } {
  const scale = (max - min) / qmax;
  if (min > 0 || max < 0) return { min, scale, max };
  const nudged = -Math.round(-min / scale) * scale;
  return { min: nudged, scale, max: qmax * scale + nudged };
}

/**
 * A float32 weight quantized as the TF.js converter writes it: `uint8` /
 * `uint16` with one affine `min`, `scale` per tensor (q = round((clip(v) -
 * min) / scale); TF.js reads q * scale + min), or `float16` (IEEE half,
 * rounded to nearest even). Values are in the weight's row-major order.
 */
export function quantizeWeight(
  name: string,
  shape: readonly number[],
  values: Float32Array,
  dtype: Exclude<WeightStorage, "float32">,
): TfjsWeight {
  if (dtype === "float16") {
    const bits = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) bits[i] = narrowFloat16(values[i]!);
    return {
      name,
      shape,
      dtype: "float32",
      quantization: { dtype, original_dtype: "float32" },
      bytes: littleEndian16(bits),
    };
  }
  const qmax = dtype === "uint8" ? 255 : 65535;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const q = dtype === "uint8" ? new Uint8Array(values.length) : new Uint16Array(values.length);
  let quantization = { dtype, min: lo, scale: 1, original_dtype: "float32" };
  if (values.length > 0 && lo !== hi) {
    const r = affineRange(lo, hi, qmax);
    quantization = { ...quantization, min: r.min, scale: r.scale };
    for (let i = 0; i < values.length; i++)
      q[i] = Math.round((Math.min(Math.max(values[i]!, r.min), r.max) - r.min) / r.scale);
  }
  const bytes = q instanceof Uint8Array ? q : littleEndian16(q);
  return { name, shape, dtype: "float32", quantization, bytes };
}

function littleEndian16(v: Uint16Array): Uint8Array {
  const out = new Uint8Array(2 * v.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setUint16(2 * i, v[i]!, true);
  return out;
}
