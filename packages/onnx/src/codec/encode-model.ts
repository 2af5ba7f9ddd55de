import { toBinary } from "@bufbuild/protobuf";
import { ReparamError } from "@reparam/core";
import { ModelProtoSchema, type ModelProto } from "onnx-buf";

/** Protobuf messages are limited to 2 GiB - 1; larger models need external data. */
const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

/**
 * Encodes a `ModelProto` into `.onnx` bytes, unknown fields included, fields
 * in field-number order (as the reference serializer writes them).
 *
 * Throws `ONNX_MODEL_TOO_LARGE` when the result exceeds protobuf's 2 GiB
 * limit: move large tensors out with {@link externalizeTensors} first.
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const bytes = toBinary(ModelProtoSchema, model, { writeUnknownFields: true });
  const tooLarge = modelTooLarge(model, bytes.byteLength);
  if (tooLarge !== undefined) throw tooLarge;
  return bytes;
}

/** The `ONNX_MODEL_TOO_LARGE` error when an encoding of `byteLength` bytes exceeds protobuf's limit, else undefined. */
export function modelTooLarge(model: ModelProto, byteLength: number): ReparamError | undefined {
  if (byteLength <= MAX_PROTOBUF_BYTES) return undefined;
  return new ReparamError("ONNX_MODEL_TOO_LARGE", "model is larger than protobuf's 2 GiB limit", {
    where: `graph '${model.graph?.name ?? ""}'`,
    expected: `at most ${MAX_PROTOBUF_BYTES} bytes`,
    found: `${byteLength} bytes`,
    hint: "store large tensors as external data (externalizeTensors)",
  });
}
