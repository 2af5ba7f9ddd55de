import { dequantizeAffine, float16Values } from "@reparam/core";
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
 * @param into - where a quantized `float32` weight's values go (exactly
 *   their length; a reused array, so that big kernels need no fresh memory);
 *   ignored for any other weight.
 */
export function weightValues(weight: TfjsWeight, into?: Float32Array): Float32Array | Int32Array | Uint8Array {
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
  const stored = q.dtype === "uint8" ? bytes : uint16View(bytes);
  const out = () =>
    into?.length === stored.length && weight.dtype === "float32" ? into : new Float32Array(stored.length);
  if (q.dtype === "float16") return widenInto(stored as Uint16Array, out());
  if (weight.dtype === "int32") return roundedAffine(stored, q.min ?? 0, q.scale ?? 1);
  // TF.js's order of operations (q * scale + min, in float64, rounded once): the same float32 values bit for bit.
  return dequantizeAffine(stored, q.min ?? 0, q.scale ?? 1, out());
}

/** Little-endian uint16s of `bytes`: a view when aligned, else a copy (the typed view assumes a little-endian platform). */
function uint16View(bytes: Uint8Array): Uint16Array {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
}

/** float16 bits to their exact values, from the table of every pattern. */
function widenInto(bits: Uint16Array, out: Float32Array): Float32Array {
  const table = float16Values();
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

function roundedAffine(q: Uint8Array | Uint16Array, min: number, scale: number): Int32Array {
  const out = new Int32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = Math.round(q[i]! * scale + min);
  return out;
}
