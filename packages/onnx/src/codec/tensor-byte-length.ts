import { ReparamError } from "@reparam/core";
import { TensorProto_DataType as DT } from "onnx-buf";
import { dataTypeLabel } from "./onnx-dtype.js";

/** Bits per element of every fixed-size ONNX data type (4- and 2-bit types pack into bytes). */
const elementBits: ReadonlyMap<number, number> = new Map([
  [DT.FLOAT, 32],
  [DT.UINT8, 8],
  [DT.INT8, 8],
  [DT.UINT16, 16],
  [DT.INT16, 16],
  [DT.INT32, 32],
  [DT.INT64, 64],
  [DT.BOOL, 8],
  [DT.FLOAT16, 16],
  [DT.DOUBLE, 64],
  [DT.UINT32, 32],
  [DT.UINT64, 64],
  [DT.COMPLEX64, 64],
  [DT.COMPLEX128, 128],
  [DT.BFLOAT16, 16],
  [DT.FLOAT8E4M3FN, 8],
  [DT.FLOAT8E4M3FNUZ, 8],
  [DT.FLOAT8E5M2, 8],
  [DT.FLOAT8E5M2FNUZ, 8],
  [DT.UINT4, 4],
  [DT.INT4, 4],
  [DT.FLOAT4E2M1, 4],
  [DT.FLOAT8E8M0, 8],
  [DT.UINT2, 2],
  [DT.INT2, 2],
]);

/**
 * Number of elements of a tensor with these dims. Every dim must be a
 * non-negative integer and the product at most 2^53 - 1, else
 * `ONNX_TENSOR_SIZE` (dims come from untrusted files).
 */
export function elementCount(dims: readonly (number | bigint)[], where = "tensor"): number {
  let n = 1n;
  for (const d of dims) {
    const b = typeof d === "bigint" ? d : Number.isSafeInteger(d) ? BigInt(d) : -1n;
    if (b < 0n) {
      throw new ReparamError("ONNX_TENSOR_SIZE", "tensor dimension is not a non-negative integer", {
        where,
        expected: "dims >= 0",
        found: `dims [${dims.join(", ")}]`,
      });
    }
    n *= b;
  }
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ReparamError("ONNX_TENSOR_SIZE", "tensor has too many elements", {
      where,
      expected: `at most ${Number.MAX_SAFE_INTEGER} elements`,
      found: `dims [${dims.join(", ")}]`,
    });
  }
  return Number(n);
}

/**
 * Byte length of a tensor's data as stored in `raw_data` or external data:
 * ceil(product(dims) * bits / 8). Variable-size types (STRING, UNDEFINED)
 * and unknown ones throw `ONNX_UNSUPPORTED_DTYPE`.
 */
export function tensorByteLength(dims: readonly (number | bigint)[], dataType: number, where = "tensor"): number {
  const bits = elementBits.get(dataType);
  if (bits === undefined) {
    throw new ReparamError("ONNX_UNSUPPORTED_DTYPE", "tensor data type has no fixed element size", {
      where,
      expected: "a fixed-size numeric data type",
      found: dataTypeLabel(dataType),
    });
  }
  const n = elementCount(dims, where);
  const bytes = bits >= 8 ? n * (bits / 8) : Math.ceil((n * bits) / 8);
  if (!Number.isSafeInteger(bytes)) {
    throw new ReparamError("ONNX_TENSOR_SIZE", "tensor is too large", {
      where,
      expected: `at most ${Number.MAX_SAFE_INTEGER} bytes`,
      found: `${n} elements of ${dataTypeLabel(dataType)}`,
    });
  }
  return bytes;
}
