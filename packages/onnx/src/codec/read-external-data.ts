import { ReparamError, isReparamError } from "@reparam/core";
import type { TensorProto } from "onnx-buf";
import { tensorLabel } from "./_labels.js";
import type { ExternalDataFiles } from "./external-data-files.js";
import { externalDataInfo } from "./external-data-info.js";
import { tensorByteLength } from "./tensor-byte-length.js";

/**
 * Reads the bytes of a tensor stored as external data, checked before and
 * after reading: the declared `length` must equal the size its dims and
 * type give (`ONNX_TENSOR_SIZE`, so that no untrusted length is ever
 * requested), and the file must hold them all (`ONNX_EXTERNAL_TRUNCATED`).
 * A location that could leave the model's folder is refused before any
 * read (`ONNX_EXTERNAL_PATH_ESCAPE`). An error from `files` that is not a
 * `ReparamError` becomes `ONNX_EXTERNAL_READ`.
 *
 * @returns the tensor's bytes, in `raw_data` layout; the checksum entry is not verified
 */
export async function readExternalData(tensor: TensorProto, files: ExternalDataFiles): Promise<Uint8Array> {
  const where = tensorLabel(tensor);
  const info = externalDataInfo(tensor);
  const expected = tensorByteLength(tensor.dims, tensor.dataType, where);
  if (info.length !== undefined && info.length !== expected) {
    throw new ReparamError("ONNX_TENSOR_SIZE", "external data length does not match the tensor's dims and type", {
      where,
      expected: `${expected} bytes`,
      found: `length ${info.length} in external_data`,
    });
  }
  let bytes: Uint8Array;
  try {
    // Without a length entry, ask for one byte more than the tensor needs:
    // enough to notice extra data, never an unbounded read.
    bytes = await files.read(info.location, info.offset, info.length ?? expected + 1);
  } catch (cause) {
    if (isReparamError(cause)) throw cause;
    throw new ReparamError("ONNX_EXTERNAL_READ", "cannot read external data", {
      where: `${where} in '${info.location}'`,
      found: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
  if (bytes.byteLength < expected) {
    throw new ReparamError("ONNX_EXTERNAL_TRUNCATED", "external data file ends before the tensor's data does", {
      where: `${where} in '${info.location}' at offset ${info.offset}`,
      expected: `${expected} bytes`,
      found: `${bytes.byteLength} bytes`,
    });
  }
  if (bytes.byteLength > expected) {
    throw new ReparamError("ONNX_TENSOR_SIZE", "external data is longer than the tensor's dims and type give", {
      where: `${where} in '${info.location}' at offset ${info.offset}`,
      expected: `${expected} bytes`,
      found: `at least ${bytes.byteLength} bytes before the end of the file`,
    });
  }
  return bytes;
}
