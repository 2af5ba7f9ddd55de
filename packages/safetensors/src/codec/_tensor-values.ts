import { widenFloat16, hostLittleEndian, swapBytes } from "@reparam/core";
import type { SafetensorsDtype } from "./dtype.js";

let float16Table: Float32Array | undefined;

/** All 65536 float16 values, exact in float32 (built on first use: 256 KB). */
function float16Values(): Float32Array {
  if (float16Table === undefined) {
    float16Table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) float16Table[i] = widenFloat16(i);
  }
  return float16Table;
}

/** Little-endian elements of `width` bytes as host-order bytes at an offset aligned for `width` (a view when possible). */
function aligned(bytes: Uint8Array, width: number): Uint8Array {
  if (!hostLittleEndian) return swapBytes(bytes.slice(), width);
  return bytes.byteOffset % width === 0 ? bytes : bytes.slice();
}

/**
 * A tensor's values from its little-endian bytes, exactly: F32 and F64 as
 * they are (a view of `bytes` when aligned: do not mutate), F16 and BF16
 * widened to float32 (every float16 and bfloat16 value is a float32 value).
 *
 * @param dtype - F32, F16, BF16 or F64 (the caller has checked).
 */
export function floatValues(bytes: Uint8Array, dtype: SafetensorsDtype): Float32Array | Float64Array {
  switch (dtype) {
    case "F32": {
      const b = aligned(bytes, 4);
      return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    }
    case "F64": {
      const b = aligned(bytes, 8);
      return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
    }
    case "F16": {
      const b = aligned(bytes, 2);
      const bits = new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
      const table = float16Values();
      const out = new Float32Array(bits.length);
      for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
      return out;
    }
    case "BF16": {
      const b = aligned(bytes, 2);
      const bits = new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
      // bfloat16 is the top half of a float32.
      const words = new Uint32Array(bits.length);
      for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
      return new Float32Array(words.buffer);
    }
    default:
      throw new Error(`floatValues: ${dtype} is not a float dtype the caller should pass`);
  }
}
