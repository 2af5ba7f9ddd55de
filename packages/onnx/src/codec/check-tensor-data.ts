import { isFieldSet } from "@bufbuild/protobuf";
import { ReparamError } from "@reparam/core";
import { TensorProtoSchema, TensorProto_DataLocation, TensorProto_DataType as DT, type TensorProto } from "onnx-buf";
import { tensorLabel } from "./_labels.js";
import { modelTensors } from "./_model-tensors.js";
import { dataTypeLabel } from "./onnx-dtype.js";
import { elementCount, tensorByteLength } from "./tensor-byte-length.js";
import { rawLength } from "./lazy-data.js";
import type { ModelProto } from "onnx-buf";

/** Sub-byte types: their typed-field packing varies by ONNX version, so only `raw_data` is checked. */
const PACKED = new Set<number>([DT.UINT4, DT.INT4, DT.FLOAT4E2M1, DT.UINT2, DT.INT2]);

/** The typed field holding a type's values, and how many entries one element takes. */
function typedField(tensor: TensorProto): { name: string; length: number; per: number } | undefined {
  switch (tensor.dataType) {
    case DT.FLOAT:
      return { name: "float_data", length: tensor.floatData.length, per: 1 };
    case DT.COMPLEX64:
      return { name: "float_data", length: tensor.floatData.length, per: 2 };
    case DT.DOUBLE:
      return { name: "double_data", length: tensor.doubleData.length, per: 1 };
    case DT.COMPLEX128:
      return { name: "double_data", length: tensor.doubleData.length, per: 2 };
    case DT.INT64:
      return { name: "int64_data", length: tensor.int64Data.length, per: 1 };
    case DT.UINT32:
    case DT.UINT64:
      return { name: "uint64_data", length: tensor.uint64Data.length, per: 1 };
    case DT.STRING:
      return { name: "string_data", length: tensor.stringData.length, per: 1 };
    case DT.UNDEFINED:
      return undefined;
    default:
      // Every other fixed-size type (int8..int32, bool, float16, bfloat16, float8) is one int32_data entry per element.
      return PACKED.has(tensor.dataType) ? undefined : { name: "int32_data", length: tensor.int32Data.length, per: 1 };
  }
}

/**
 * Checks one tensor held inside the protobuf: its stored data must be
 * exactly what its dims and type declare (`raw_data` byte length, or the
 * number of entries in its typed field). Throws `ONNX_TENSOR_SIZE` naming
 * the tensor otherwise (dims that overflow included). Tensors with external
 * data are checked when read ({@link readExternalData}); segmented tensors
 * and types without a known element size are left to their readers.
 */
export function checkTensorData(tensor: TensorProto): void {
  if (tensor.dataLocation === TensorProto_DataLocation.EXTERNAL || tensor.segment !== undefined) return;
  const where = tensorLabel(tensor);
  const count = elementCount(tensor.dims, where);
  if (isFieldSet(tensor, TensorProtoSchema.field.rawData)) {
    if (tensor.dataType === DT.STRING || tensor.dataType === DT.UNDEFINED) return;
    let expected: number;
    try {
      expected = tensorByteLength(tensor.dims, tensor.dataType, where);
    } catch {
      return; // a data type newer than this reader: nothing to measure against
    }
    const stored = rawLength(tensor);
    if (stored !== expected) {
      throw new ReparamError("ONNX_TENSOR_SIZE", "tensor data length does not match its dims and type", {
        where,
        expected: `${expected} bytes for dims [${tensor.dims.join(", ")}] of ${dataTypeLabel(tensor.dataType)}`,
        found: `${stored} bytes in raw_data`,
      });
    }
    return;
  }
  const field = typedField(tensor);
  if (field === undefined) return;
  if (field.length !== count * field.per) {
    throw new ReparamError("ONNX_TENSOR_SIZE", "tensor data length does not match its dims and type", {
      where,
      expected: `${count * field.per} values in ${field.name} (or raw_data) for dims [${tensor.dims.join(", ")}]`,
      found: `${field.length} values in ${field.name}`,
    });
  }
}

/**
 * {@link checkTensorData} on every tensor a model holds in its protobuf
 * (initializers, Constant values, subgraphs, functions, sparse parts): a
 * model whose stored data disagrees with its declared shapes is corrupt,
 * and is refused before anything reads it.
 */
export function checkModelTensorData(model: ModelProto): void {
  for (const tensor of modelTensors(model)) checkTensorData(tensor);
}
