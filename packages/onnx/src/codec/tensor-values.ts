import { isFieldSet } from "@bufbuild/protobuf";
import { TensorProtoSchema, TensorProto_DataLocation, type TensorProto } from "onnx-buf";
import {
  ReparamError,
  widenBFloat16 as bfloat16ToNumber,
  widenFloat16 as float16ToNumber,
  littleEndianArray,
} from "@reparam/core";
import { tensorLabel } from "./_labels.js";
import { dataTypeLabel, dtypeOf, type OnnxDType } from "./onnx-dtype.js";
import { elementCount, tensorByteLength } from "./tensor-byte-length.js";
import { lazyData } from "./lazy-data.js";

/** The floating-point dtypes, all read widened to float64. */
export type FloatDType = "float32" | "float16" | "bfloat16" | "float64";

/**
 * A tensor's values, row-major in `dims` order, never aliasing the tensor.
 * Floats are widened exactly to float64; integers keep their width.
 */
export type TensorValues =
  | { readonly dtype: FloatDType; readonly values: Float64Array }
  | { readonly dtype: "int32"; readonly values: Int32Array }
  | { readonly dtype: "int64"; readonly values: BigInt64Array };

/**
 * Reads a tensor's values from `raw_data` (little-endian), from the typed
 * field of its type (`float_data`; float16/bfloat16 bit patterns in
 * `int32_data`; `double_data`; `int32_data`; `int64_data`), or, for a
 * tensor with `data_location` EXTERNAL, from `external` (its bytes, as
 * {@link readExternalData} returns them).
 *
 * Throws `ONNX_TENSOR_SIZE` when the data does not hold exactly
 * product(dims) elements, `ONNX_UNSUPPORTED_DTYPE` for other types,
 * `ONNX_EXTERNAL_NOT_LOADED` for external data not passed in, and
 * `ONNX_UNSUPPORTED_TENSOR` for segmented tensors.
 */
export function tensorValues(tensor: TensorProto, external?: Uint8Array): TensorValues {
  const where = tensorLabel(tensor);
  const dtype = dtypeOf(tensor.dataType);
  if (dtype === undefined) {
    throw new ReparamError("ONNX_UNSUPPORTED_DTYPE", "cannot read the values of this tensor type", {
      where,
      expected: "FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT32 or INT64",
      found: dataTypeLabel(tensor.dataType),
    });
  }
  if (tensor.segment !== undefined) {
    throw new ReparamError("ONNX_UNSUPPORTED_TENSOR", "segmented tensors are not supported", { where });
  }
  const lazy = lazyData(tensor);
  if (lazy !== undefined) {
    // Its data was left in the file (a weight): read through `loadedTensor` first. Here only when a graph uses a weight-sized tensor as a pad or shape.
    throw new ReparamError("ONNX_UNSUPPORTED_TENSOR", "a weight-sized constant where the graph needs a small one", {
      where,
      expected: "a small constant (pads, shapes, a fill value)",
      found: `${lazy.length} bytes of raw_data`,
    });
  }
  const count = elementCount(tensor.dims, where);
  if (tensor.dataLocation === TensorProto_DataLocation.EXTERNAL) {
    if (external === undefined) {
      throw new ReparamError("ONNX_EXTERNAL_NOT_LOADED", "tensor data is in an external file that was not read", {
        where,
        hint: "read it with readExternalData or load the model with internalizeTensors",
      });
    }
    return fromRaw(dtype, external, tensorByteLength(tensor.dims, tensor.dataType, where), where);
  }
  if (isFieldSet(tensor, TensorProtoSchema.field.rawData)) {
    return fromRaw(dtype, tensor.rawData, tensorByteLength(tensor.dims, tensor.dataType, where), where);
  }
  return fromTyped(tensor, dtype, count, where);
}

function fromRaw(dtype: OnnxDType, bytes: Uint8Array, expected: number, where: string): TensorValues {
  if (bytes.byteLength !== expected) {
    throw new ReparamError("ONNX_TENSOR_SIZE", "tensor data length does not match its dims and type", {
      where,
      expected: `${expected} bytes of ${dtype}`,
      found: `${bytes.byteLength} bytes`,
    });
  }
  switch (dtype) {
    case "float32":
      return { dtype, values: new Float64Array(littleEndianArray(bytes, Float32Array)) };
    case "float64":
      return { dtype, values: littleEndianArray(bytes, Float64Array).slice() };
    case "float16":
    case "bfloat16": {
      const bits = littleEndianArray(bytes, Uint16Array);
      const widen = dtype === "float16" ? float16ToNumber : bfloat16ToNumber;
      const values = new Float64Array(bits.length);
      for (let i = 0; i < bits.length; i++) values[i] = widen(bits[i]!);
      return { dtype, values };
    }
    case "int32":
      return { dtype, values: littleEndianArray(bytes, Int32Array).slice() };
    case "int64":
      return { dtype, values: littleEndianArray(bytes, BigInt64Array).slice() };
  }
}

function fromTyped(tensor: TensorProto, dtype: OnnxDType, count: number, where: string): TensorValues {
  const field = {
    float32: "float_data",
    float16: "int32_data",
    bfloat16: "int32_data",
    float64: "double_data",
    int32: "int32_data",
    int64: "int64_data",
  }[dtype];
  const data = {
    float32: tensor.floatData,
    float16: tensor.int32Data,
    bfloat16: tensor.int32Data,
    float64: tensor.doubleData,
    int32: tensor.int32Data,
    int64: tensor.int64Data,
  }[dtype];
  if (data.length !== count) {
    throw new ReparamError("ONNX_TENSOR_SIZE", "tensor data length does not match its dims", {
      where,
      expected: `${count} values in ${field} (or raw_data)`,
      found: `${data.length} values in ${field}`,
    });
  }
  switch (dtype) {
    case "float16":
      return { dtype, values: Float64Array.from(tensor.int32Data, float16ToNumber) };
    case "bfloat16":
      return { dtype, values: Float64Array.from(tensor.int32Data, bfloat16ToNumber) };
    case "float32":
      return { dtype, values: Float64Array.from(tensor.floatData) };
    case "float64":
      return { dtype, values: Float64Array.from(tensor.doubleData) };
    case "int32":
      return { dtype, values: Int32Array.from(tensor.int32Data) };
    case "int64":
      return { dtype, values: BigInt64Array.from(tensor.int64Data) };
  }
}
