/// <reference types="node" />
// Quantizes a float32 weight to uint8 the way the Python converter does
// (min, scale = (max - min) / 255, q = round((v - min) / scale)).
import { narrowFloat16Array } from "@reparam/core";
import { weightValues, type TfjsWeight } from "../src/index.js";

/** The weight stored as uint8 with `quantization: {dtype: "uint8", min, scale}`. */
export function quantizeUint8(w: TfjsWeight): TfjsWeight {
  const v = weightValues(w) as Float32Array;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const scale = (max - min) / 255 || 1;
  const bytes = Uint8Array.from(v, (x) => Math.round((x - min) / scale));
  return { name: w.name, shape: w.shape, dtype: "float32", quantization: { dtype: "uint8", min, scale }, bytes };
}

/** Byte-wise equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

/** The weight stored as float16 (`quantization: {dtype: "float16"}`), little-endian. */
export function quantizeFloat16(w: TfjsWeight): TfjsWeight {
  const bits = narrowFloat16Array(weightValues(w));
  const bytes = new Uint8Array(bits.length * 2);
  bits.forEach((b, i) => new DataView(bytes.buffer).setUint16(2 * i, b, true));
  return { name: w.name, shape: w.shape, dtype: "float32", quantization: { dtype: "float16" }, bytes };
}
