import { create } from "@bufbuild/protobuf";
import { ReparamError } from "@reparam/core";
import { TensorProtoSchema, type TensorProto } from "onnx-buf";
import { dataTypeLabel } from "./onnx-dtype.js";
import { tensorByteLength } from "./tensor-byte-length.js";

/**
 * A `TensorProto` holding `bytes` in `raw_data` (the only form this package
 * writes): little-endian elements, row-major in `dims` order. `bytes` is
 * kept, not copied. Throws `ONNX_TENSOR_SIZE` unless `bytes.byteLength` is
 * exactly ceil(product(dims) * bits(dataType) / 8), and
 * `ONNX_UNSUPPORTED_DTYPE` for types without a fixed size (STRING).
 *
 * @param name - the tensor's name (an initializer or graph value name)
 * @param dims - its shape; integers >= 0
 * @param dataType - a `TensorProto.DataType` number, see {@link dataTypeOf}
 * @param bytes - the packed little-endian data
 */
export function makeTensor(name: string, dims: readonly number[], dataType: number, bytes: Uint8Array): TensorProto {
  const where = `tensor '${name}'`;
  const expected = tensorByteLength(dims, dataType, where);
  if (bytes.byteLength !== expected) {
    throw new ReparamError("ONNX_TENSOR_SIZE", "tensor data length does not match its dims and type", {
      where,
      expected: `${expected} bytes for dims [${dims.join(", ")}] of ${dataTypeLabel(dataType)}`,
      found: `${bytes.byteLength} bytes`,
    });
  }
  return create(TensorProtoSchema, {
    name,
    dims: dims.map((d) => BigInt(d)),
    dataType,
    rawData: bytes as Uint8Array<ArrayBuffer>,
  });
}
