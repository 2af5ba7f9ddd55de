import { ReparamError } from "@reparam/core";
import type { TensorData } from "./tensor-data.js";
import type { OnnxDType } from "./onnx-dtype.js";

/** The dtype a typed array stands for when none is given (Uint16Array needs one). */
function implied(data: TensorData): OnnxDType | undefined {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof BigInt64Array) return "int64";
  return undefined;
}

/**
 * Little-endian bytes of `data` as `dtype` (default: implied by the array).
 * Numbers convert to float32 (rounded to nearest), float64 or int64 when
 * exact; float16/bfloat16 take bit patterns only. Else `ONNX_BAD_SPEC`.
 */
export function tensorDataBytes(
  data: TensorData,
  dtype: OnnxDType | undefined,
  where: string,
): { dtype: OnnxDType; bytes: Uint8Array } {
  const type = dtype ?? implied(data);
  const accepts =
    type === "float16" || type === "bfloat16"
      ? data instanceof Uint16Array
      : type === "int64"
        ? data instanceof BigInt64Array || data instanceof Int32Array
        : type === "int32"
          ? data instanceof Int32Array
          : type === "float32" || type === "float64"
            ? !(data instanceof BigInt64Array) && !(data instanceof Uint16Array)
            : false;
  if (type === undefined || !accepts) {
    throw new ReparamError("ONNX_BAD_SPEC", "tensor data does not fit its type", {
      where,
      expected:
        type === undefined ? "a type for Uint16Array data (float16 or bfloat16)" : `data convertible to ${type}`,
      found: data.constructor.name,
    });
  }
  const size = { float32: 4, float64: 8, int32: 4, int64: 8, float16: 2, bfloat16: 2 }[type];
  const bytes = new Uint8Array(data.length * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (type === "float32") view.setFloat32(i * 4, Number(v), true);
    else if (type === "float64") view.setFloat64(i * 8, Number(v), true);
    else if (type === "int32") view.setInt32(i * 4, Number(v), true);
    else if (type === "int64") view.setBigInt64(i * 8, BigInt(v), true);
    else view.setUint16(i * 2, Number(v), true);
  }
  return { dtype: type, bytes };
}
