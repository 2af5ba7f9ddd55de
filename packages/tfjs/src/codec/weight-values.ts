import { widenFloat16 as float16BitsToNumber } from "@reparam/core";
import type { TfjsWeight } from "./tfjs-weight.js";
import { isLazyWeight } from "./lazy-weight.js";

/**
 * The values of a weight, dequantized the way TF.js does:
 * - unquantized: `float32` -> `Float32Array`, `int32` -> `Int32Array`,
 *   `bool` -> `Uint8Array`;
 * - `uint8`/`uint16` quantization: `q * scale + min`, computed in float64 and
 *   stored in a `Float32Array` (or rounded with `Math.round` into an
 *   `Int32Array` for an `int32` weight);
 * - `float16` quantization: the exact half value, in a `Float32Array`.
 *
 * Flat, in the weight's row-major order. Unquantized weights give a view of
 * `weight.bytes` when its offset is aligned (do not mutate it), a copy
 * otherwise. Quantized bytes are read little-endian; the typed views assume
 * a little-endian platform, as TF.js does.
 *
 * @param weight - a weight from {@link decodeWeights} (its bytes already
 *   checked against its shape, dtype and quantization).
 */
export function weightValues(weight: TfjsWeight): Float32Array | Int32Array | Uint8Array {
  if (isLazyWeight(weight))
    throw new TypeError(
      `weight ${JSON.stringify(weight.name)} was left in its shards: read it with loadedWeight first`,
    );
  const { bytes, quantization: q } = weight;
  if (q === undefined) {
    if (weight.dtype === "bool") return bytes;
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    const n = aligned.byteLength / 4;
    return weight.dtype === "int32"
      ? new Int32Array(aligned.buffer, aligned.byteOffset, n)
      : new Float32Array(aligned.buffer, aligned.byteOffset, n);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = q.dtype === "uint8" ? bytes.byteLength : bytes.byteLength / 2;
  if (q.dtype === "float16") {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = float16BitsToNumber(view.getUint16(2 * i, true));
    return out;
  }
  const min = q.min ?? 0;
  const scale = q.scale ?? 1;
  const out = weight.dtype === "int32" ? new Int32Array(n) : new Float32Array(n);
  const round = weight.dtype === "int32";
  for (let i = 0; i < n; i++) {
    const v = q.dtype === "uint8" ? bytes[i]! : view.getUint16(2 * i, true);
    // Same order of operations as TF.js (v * scale + min), so the float64 result matches bit for bit.
    const x = v * scale + min;
    out[i] = round ? Math.round(x) : x;
  }
  return out;
}
