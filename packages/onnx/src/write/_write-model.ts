import { clearField, isFieldSet } from "@bufbuild/protobuf";
import type { ModelOutput } from "@reparam/core";
import { TensorProtoSchema, TensorProto_DataLocation, type ModelProto, type TensorProto } from "onnx-buf";
import { modelPieces } from "./_model-pieces.js";
import { graphInitializers } from "../codec/_model-tensors.js";
import type { PendingTensors } from "./_pending-data.js";
import { writePieces } from "./_write-pieces.js";
import { checkExternalLocation } from "../codec/check-external-location.js";
import { modelTooLarge } from "../codec/encode-model.js";
import { externalizeWith } from "./externalize-tensors.js";

/** What {@link writeModel} wrote. */
export interface Written {
  readonly bytes: number;
  /** The side file and how many tensors it holds, when one was written. */
  readonly external?: { readonly location: string; readonly tensors: number };
}

const F = TensorProtoSchema.field;

/** Undoes what externalizeTensors does to the tensors (they may be shared with the decoded model). */
function snapshot(tensors: readonly TensorProto[]): () => void {
  const saved = tensors.map((t) => ({
    t,
    raw: isFieldSet(t, F.rawData) ? t.rawData : undefined,
    ext: t.externalData,
    loc: isFieldSet(t, F.dataLocation) ? t.dataLocation : undefined,
  }));
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

/** Writes the encoding of `model` as the file `name`, piece by piece; returns its length. Nothing is created when it is too large. */
async function writeEncoded(
  model: ModelProto,
  pending: PendingTensors,
  output: ModelOutput,
  name: string,
): Promise<number> {
  const { pieces, byteLength } = modelPieces(model, pending);
  const tooLarge = modelTooLarge(model, byteLength);
  if (tooLarge !== undefined) throw tooLarge;
  const sink = await output.create(name);
  await writePieces(sink, pieces, `'${name}'`);
  await sink.close();
  return byteLength;
}

/**
 * Writes a model as `output.name`, and, when `threshold` is given, its
 * initializers of at least that many bytes to the side file
 * `<output.name>.data` (none is created when no tensor is that large). The
 * bytes are those of {@link encodeModel} (with `pending` tensors' data in
 * place), written piece by piece: large tensors go to the sink straight from
 * their buffers, pending ones are made one at a time as their turn comes.
 * The model's tensors are left as they were.
 */
export async function writeModel(
  model: ModelProto,
  pending: PendingTensors,
  output: ModelOutput,
  threshold: number | undefined,
): Promise<Written> {
  let written = 0;
  let external: Written["external"];
  const tensors = model.graph === undefined ? [] : [...graphInitializers(model.graph)];
  const size = (t: TensorProto) => pending.get(t)?.byteLength ?? t.rawData.byteLength;
  const moves =
    threshold !== undefined &&
    tensors.some((t) => t.dataLocation !== TensorProto_DataLocation.EXTERNAL && size(t) >= threshold);
  const restore = moves ? snapshot(tensors) : () => undefined;
  try {
    let inMain = pending;
    if (moves) {
      const location = checkExternalLocation(`${output.name}.data`, "output external data");
      const sink = await output.create(location);
      const result = await externalizeWith(model, { location, threshold }, sink, pending);
      await sink.close();
      written += result.byteLength;
      external = { location, tensors: result.tensors.length };
      inMain = new Map([...pending].filter(([t]) => t.dataLocation !== TensorProto_DataLocation.EXTERNAL));
    }
    written += await writeEncoded(model, inMain, output, output.name);
  } finally {
    restore();
  }
  return external === undefined ? { bytes: written } : { bytes: written, external };
}
