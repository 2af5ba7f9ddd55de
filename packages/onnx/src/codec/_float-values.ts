import { hostLittleEndian, littleEndianArray, type BufferPool } from "@reparam/core";
import { isFieldSet } from "@bufbuild/protobuf";
import { TensorProtoSchema, TensorProto_DataLocation, TensorProto_DataType as DT, type TensorProto } from "onnx-buf";
import { tensorByteLength } from "./tensor-byte-length.js";
import { tensorValues } from "./tensor-values.js";

/** Smaller copies are left to the allocator (BN vectors, read once and kept). */
const POOLED_BYTES = 64 * 1024;

/**
 * A float tensor's values as core takes them: FLOAT data as a Float32Array
 * (a view of `raw_data` when it is aligned, no copy; a copy otherwise, into
 * a buffer of `pool` when given and the data is large), every other float type widened exactly to
 * float64 by {@link tensorValues}.
 * Unlike `tensorValues`, the result may alias the tensor: read it, never
 * write it. Errors as `tensorValues`; a TypeError for an integer tensor
 * (callers only ask for float constants).
 */
export function floatValues(tensor: TensorProto, pool?: BufferPool): Float32Array | Float64Array {
  // The common case, checked as tensorValues would, then read without widening.
  if (
    tensor.dataType === DT.FLOAT &&
    tensor.segment === undefined &&
    tensor.dataLocation !== TensorProto_DataLocation.EXTERNAL
  ) {
    const where = `tensor '${tensor.name}'`;
    if (isFieldSet(tensor, TensorProtoSchema.field.rawData)) {
      const raw = tensor.rawData;
      if (raw.byteLength === tensorByteLength(tensor.dims, DT.FLOAT, where)) {
        if (pool === undefined || !hostLittleEndian || raw.byteOffset % 4 === 0 || raw.byteLength < POOLED_BYTES)
          return littleEndianArray(raw, Float32Array);
        const copy = pool.take(raw.byteLength);
        copy.set(raw);
        return new Float32Array(copy.buffer, 0, raw.byteLength / 4);
      }
    } else if (tensor.floatData.length === tensorByteLength(tensor.dims, DT.FLOAT, where) / 4) {
      return Float32Array.from(tensor.floatData);
    }
  }
  const v = tensorValues(tensor);
  if (v.dtype === "int32" || v.dtype === "int64") throw new TypeError(`integer tensor '${tensor.name}' read as floats`);
  return v.values;
}
