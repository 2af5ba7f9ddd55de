import { ReparamError } from "@reparam/core";
import type { TfjsDtype, WeightQuantization, WeightSpec } from "./weights-manifest.js";

const DTYPE_BYTES: Readonly<Record<TfjsDtype, number>> = { float32: 4, int32: 4, bool: 1 };
const QUANT_BYTES: Readonly<Record<WeightQuantization["dtype"], number>> = { uint8: 1, uint16: 2, float16: 2 };

/** True for the dtypes this package decodes: `float32`, `int32`, `bool`. */
export function isTfjsDtype(dtype: string): dtype is TfjsDtype {
  return Object.hasOwn(DTYPE_BYTES, dtype);
}

/**
 * Number of stored bytes of a weight: `product(shape)` times the element size
 * of its quantization dtype (uint8 1, uint16 and float16 2) or, unquantized,
 * of its dtype (float32 and int32 4, bool 1). Also checks that the
 * dtype/quantization pair is one TF.js can dequantize.
 *
 * @param spec - the manifest entry.
 * @param where - where the entry is, for errors (e.g. `weightsManifest[0].weights[3]`).
 * @throws ReparamError `TFJS_UNKNOWN_DTYPE` for `string`, `complex64` or any
 *   unknown (quantization) dtype; `TFJS_BAD_QUANTIZATION` for a uint8/uint16
 *   quantization without finite `min` and `scale`, float16 on a non-float32
 *   weight, or a quantized `bool`; `TFJS_BAD_MANIFEST` when the byte length
 *   is not a safe integer.
 */
export function weightByteLength(spec: WeightSpec, where: string): number {
  if (!isTfjsDtype(spec.dtype)) {
    throw new ReparamError("TFJS_UNKNOWN_DTYPE", `weight ${JSON.stringify(spec.name)} has an unsupported dtype`, {
      where,
      expected: "float32, int32 or bool",
      found: JSON.stringify(spec.dtype),
    });
  }
  let size = DTYPE_BYTES[spec.dtype];
  const q = spec.quantization;
  if (q !== undefined) {
    if (!Object.hasOwn(QUANT_BYTES, q.dtype)) {
      throw new ReparamError(
        "TFJS_UNKNOWN_DTYPE",
        `weight ${JSON.stringify(spec.name)} has an unknown quantization dtype`,
        {
          where: `${where}.quantization`,
          expected: "uint8, uint16 or float16",
          found: JSON.stringify(q.dtype),
        },
      );
    }
    checkQuantization(spec.name, spec.dtype, q, `${where}.quantization`);
    size = QUANT_BYTES[q.dtype];
  }
  let count = 1;
  for (const d of spec.shape) count *= d;
  const bytes = count * size;
  if (!Number.isSafeInteger(bytes)) {
    throw new ReparamError("TFJS_BAD_MANIFEST", `weight ${JSON.stringify(spec.name)} is too large`, {
      where: `${where}.shape`,
      expected: "a byte length below 2^53",
      found: JSON.stringify(spec.shape),
    });
  }
  return bytes;
}

function checkQuantization(name: string, dtype: TfjsDtype, q: WeightQuantization, where: string): void {
  let problem: string | undefined;
  if (q.dtype === "float16") {
    if (dtype !== "float32") problem = `float16 quantization of a ${dtype} weight (TF.js allows it for float32 only)`;
  } else if (dtype === "bool") {
    problem = `${q.dtype} quantization of a bool weight`;
  } else if (!Number.isFinite(q.min) || !Number.isFinite(q.scale)) {
    problem = `${q.dtype} quantization without finite min and scale`;
  }
  if (problem === undefined) return;
  throw new ReparamError("TFJS_BAD_QUANTIZATION", `weight ${JSON.stringify(name)}: ${problem}`, {
    where,
    expected: "uint8/uint16 with numeric min and scale on float32 or int32, or float16 on float32",
    found: JSON.stringify(q),
  });
}
