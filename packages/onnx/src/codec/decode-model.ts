import { fromBinary } from "@bufbuild/protobuf";
import { ReparamError, isReparamError, type ByteSource } from "@reparam/core";
import { ModelProtoSchema, type ModelProto } from "onnx-buf";
import { checkWire } from "./_check-wire.js";
import { checkModelTensorData } from "./check-tensor-data.js";
import { setLazyData } from "./lazy-data.js";
import { scanModel } from "./scan-model.js";

/**
 * Decodes the bytes of an `.onnx` file into a `ModelProto` (onnx-buf's
 * ONNX 1.20 messages). Unknown fields are kept, so that
 * `encodeModel(decodeModel(b))` gives back `b` byte for byte for a file
 * written by the reference (C++) protobuf serializer.
 *
 * The bytes are checked structurally first. Throws `ONNX_DECODE` for
 * truncated bytes, a length prefix past the end, a wrong wire type for a
 * known field, invalid tags, or bytes without a graph; `where` gives the
 * field path and byte offset. Every tensor held in the protobuf must
 * hold exactly the data its dims and type declare (`ONNX_TENSOR_SIZE`,
 * naming the tensor); external data is checked when it is read.
 *
 * Byte fields (`raw_data`) are views into `bytes`, not copies: keep
 * `bytes` unchanged while the model is in use. Tensors with external data
 * keep only their `external_data` entries: load them with
 * {@link internalizeTensors} or {@link readExternalData}.
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const model = parseModel(bytes);
  checkModelTensorData(model);
  return model;
}

/**
 * Decodes an `.onnx` file read through `source` as {@link decodeModel}
 * does, without holding its weights: large initializers' `raw_data` stays
 * in the file (see {@link scanModel}; each such tensor has an empty
 * `raw_data` and its place recorded by `setLazyData`), so memory holds the
 * model's structure only. Read a tensor's bytes with `rawBytes`; the
 * writer copies them from `source` when it writes. Same checks and errors as
 * `decodeModel`; a tensor's data length is checked against its dims whether
 * it was read or left in the file.
 */
export async function decodeModelFrom(source: ByteSource, name: string, minLazy?: number): Promise<ModelProto> {
  const { skeleton, lazy } = await scanModel(source, `'${name}'`, minLazy);
  const model = parseModel(skeleton);
  const initializers = model.graph!.initializer;
  for (const [i, where] of lazy) {
    const t = initializers[i];
    if (t !== undefined) setLazyData(t, { source, ...where });
  }
  checkModelTensorData(model);
  return model;
}

/** The structural checks and the decoding, without the tensor data check. */
function parseModel(bytes: Uint8Array): ModelProto {
  checkWire(bytes, ModelProtoSchema);
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
  } catch (cause) {
    if (isReparamError(cause)) throw cause;
    throw new ReparamError("ONNX_DECODE", "malformed ONNX protobuf", {
      where: `ModelProto (${bytes.byteLength} bytes)`,
      found: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
  if (model.graph === undefined) {
    throw new ReparamError("ONNX_DECODE", "not an ONNX model: no graph", {
      where: `ModelProto (${bytes.byteLength} bytes)`,
      expected: "a ModelProto with a graph (field 7)",
      found: `fields ${describeFields(model)}`,
    });
  }
  return model;
}

function describeFields(model: ModelProto): string {
  const unknown = (model.$unknown ?? []).map((u) => `#${u.no}`);
  const known = Object.keys(model).filter((k) => k !== "$typeName" && k !== "$unknown");
  const all = [...known, ...unknown];
  return all.length === 0 ? "none" : all.join(", ");
}
