import { clearField, isFieldSet } from "@bufbuild/protobuf";
import type { ModelOutput } from "@reparam/core";
import { TensorProtoSchema, TensorProto_DataLocation, type ModelProto, type TensorProto } from "onnx-buf";
import { graphInitializers } from "./_model-tensors.js";
import { checkExternalLocation } from "./check-external-location.js";
import { encodeModel } from "./encode-model.js";
import { externalizeTensors } from "./externalize-tensors.js";

/** What {@link writeModel} wrote. */
export interface Written {
  readonly bytes: number;
  /** The side file and how many tensors it holds, when one was written. */
  readonly external?: { readonly location: string; readonly tensors: number };
}

const F = TensorProtoSchema.field;

/** Undoes what externalizeTensors does to the tensors (they may be shared with the decoded model). */
function snapshot(tensors: readonly TensorProto[]): () => void {
  const saved = tensors.map((t) => ({ t, raw: isFieldSet(t, F.rawData) ? t.rawData : undefined, ext: t.externalData, loc: isFieldSet(t, F.dataLocation) ? t.dataLocation : undefined }));
  return () => {
    for (const { t, raw, ext, loc } of saved) {
      t.externalData = ext;
      if (loc === undefined) clearField(t, F.dataLocation);
      else t.dataLocation = loc;
      if (raw === undefined) clearField(t, F.rawData);
      else t.rawData = raw;
    }
  };
}

/**
 * Writes a model as `output.name`, and, when `threshold` is given, its
 * initializers of at least that many bytes to the side file
 * `<output.name>.data` (none is created when no tensor is that large). The
 * model's tensors are left as they were.
 */
export async function writeModel(model: ModelProto, output: ModelOutput, threshold: number | undefined): Promise<Written> {
  let written = 0;
  let external: Written["external"];
  let bytes: Uint8Array;
  const tensors = model.graph === undefined ? [] : [...graphInitializers(model.graph)];
  const moves = threshold !== undefined && tensors.some((t) => t.dataLocation !== TensorProto_DataLocation.EXTERNAL && t.rawData.byteLength >= threshold);
  if (moves) {
    const location = checkExternalLocation(`${output.name}.data`, "output external data");
    const restore = snapshot(tensors);
    try {
      const sink = await output.create(location);
      const result = await externalizeTensors(model, { location, threshold }, sink);
      await sink.close();
      written += result.byteLength;
      external = { location, tensors: result.tensors.length };
      bytes = encodeModel(model);
    } finally {
      restore();
    }
  } else {
    bytes = encodeModel(model);
  }
  const main = await output.create(output.name);
  await main.write(bytes);
  await main.close();
  written += bytes.byteLength;
  return external === undefined ? { bytes: written } : { bytes: written, external };
}
