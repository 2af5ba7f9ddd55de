import { narrowBFloat16, narrowFloat16, widenBFloat16, widenFloat16 } from "@reparam/core";

/** The float dtypes the fuzzer writes state dicts in. */
export type FloatDtype = "F32" | "F16" | "BF16";

/** Little-endian bytes of `values` (exact in `dtype`: rounded before) as `dtype`. */
export function floatBytes(values: ArrayLike<number>, dtype: FloatDtype): Uint8Array {
  const size = dtype === "F32" ? 4 : 2;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (dtype === "F32") view.setFloat32(i * 4, v, true);
    else view.setUint16(i * 2, dtype === "F16" ? narrowFloat16(v) : narrowBFloat16(v), true);
  }
  return bytes;
}

/** The values of little-endian F32 / F16 / BF16 bytes, widened exactly to float64. */
export function floatValuesOf(bytes: Uint8Array, dtype: string): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = dtype === "F32" ? 4 : 2;
  const out = new Float64Array(bytes.byteLength / size);
  for (let i = 0; i < out.length; i++) {
    if (dtype === "F32") out[i] = view.getFloat32(i * 4, true);
    else if (dtype === "F16") out[i] = widenFloat16(view.getUint16(i * 2, true));
    else if (dtype === "BF16") out[i] = widenBFloat16(view.getUint16(i * 2, true));
    else throw new Error(`floatValuesOf: dtype ${dtype}`);
  }
  return out;
}
