import { clearField, create, isFieldSet } from "@bufbuild/protobuf";
import { ReparamError, type ByteSink } from "@reparam/core";
import {
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorProto_DataLocation,
  type ModelProto,
  type TensorProto,
} from "onnx-buf";
import { graphInitializers, modelTensors } from "../codec/_model-tensors.js";
import type { PendingData, PendingTensors } from "./_pending-data.js";
import { writePieces } from "./_write-pieces.js";
import { checkExternalLocation } from "../codec/check-external-location.js";
import { externalDataInfo } from "../codec/external-data-info.js";

/** Options of {@link externalizeTensors}. */
export interface ExternalizeOptions {
  /** Name of the side file, relative to the model's folder (checked like any location). */
  readonly location: string;
  /** Initializers whose `raw_data` has at least this many bytes move out. Default 1024, onnx's `size_threshold`. */
  readonly threshold?: number;
  /**
   * Every offset is a multiple of this (a power of two, 1 to 65536), the gaps
   * filled with zeros. Default 4096, the page size the ONNX spec says offsets
   * SHOULD be multiples of for mmap; 65536 suits Windows, 1 packs tightly.
   */
  readonly alignment?: number;
}

/** What {@link externalizeTensors} wrote. */
export interface ExternalizeResult {
  /** The side file's name, normalised. */
  readonly location: string;
  /** Bytes written to the sink: the side file's size. */
  readonly byteLength: number;
  /** Names of the tensors moved, in file order. */
  readonly tensors: readonly string[];
}

/**
 * Moves large initializers (of the graph and its subgraphs, as onnx's
 * `convert_model_to_external_data` does) out of the model into one side
 * file: each tensor's `raw_data` goes to `sink` at an aligned offset, and
 * the tensor gets `data_location` EXTERNAL with `location`, `offset` and
 * `length` entries. Tensors kept in typed fields, already external, or
 * smaller than the threshold stay. The model changes only after every
 * write succeeded.
 *
 * Throws `ONNX_BAD_OPTION` for a bad threshold or alignment,
 * `ONNX_EXTERNAL_PATH_ESCAPE` for a bad location and
 * `ONNX_EXTERNAL_CONFLICT` if the model already uses that location.
 */
export function externalizeTensors(
  model: ModelProto,
  options: ExternalizeOptions,
  sink: ByteSink,
): Promise<ExternalizeResult> {
  return externalizeWith(model, options, sink, new Map());
}

/** {@link externalizeTensors}, where `pending` tensors count as holding `raw_data` (made as their turn to be written comes). */
export async function externalizeWith(
  model: ModelProto,
  options: ExternalizeOptions,
  sink: ByteSink,
  pending: PendingTensors,
): Promise<ExternalizeResult> {
  const location = checkExternalLocation(options.location, "externalizeTensors location");
  const threshold = options.threshold ?? 1024;
  const alignment = options.alignment ?? 4096;
  if (!Number.isSafeInteger(threshold) || threshold < 0) badOption("threshold", "an integer >= 0", threshold);
  if (!Number.isInteger(alignment) || alignment < 1 || alignment > 65536 || (alignment & (alignment - 1)) !== 0) {
    badOption("alignment", "a power of two from 1 to 65536", alignment);
  }
  for (const tensor of modelTensors(model)) {
    if (tensor.dataLocation === TensorProto_DataLocation.EXTERNAL && externalDataInfo(tensor).location === location) {
      conflict(tensor, location);
    }
  }
  const moving: { tensor: TensorProto; offset: number; length: number }[] = [];
  let end = 0;
  for (const tensor of model.graph === undefined ? [] : graphInitializers(model.graph)) {
    if (tensor.dataLocation === TensorProto_DataLocation.EXTERNAL) continue;
    const length =
      pending.get(tensor)?.byteLength ??
      (isFieldSet(tensor, TensorProtoSchema.field.rawData) ? tensor.rawData.byteLength : -1);
    if (length < 0 || length < threshold) continue;
    const offset = Math.ceil(end / alignment) * alignment;
    moving.push({ tensor, offset, length });
    end = offset + length;
  }
  const zeros = new Uint8Array(alignment);
  const pieces: (Uint8Array | PendingData)[] = [];
  let written = 0;
  for (const { tensor, offset, length } of moving) {
    if (offset > written) pieces.push(zeros.subarray(0, offset - written));
    pieces.push(pending.get(tensor) ?? tensor.rawData);
    written = offset + length;
  }
  await writePieces(sink, pieces, `external data '${location}'`);
  for (const { tensor, offset, length } of moving) {
    const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
    tensor.externalData = [entry("location", location), entry("offset", `${offset}`), entry("length", `${length}`)];
    tensor.dataLocation = TensorProto_DataLocation.EXTERNAL;
    clearField(tensor, TensorProtoSchema.field.rawData);
  }
  return { location, byteLength: written, tensors: moving.map((m) => m.tensor.name) };
}

function badOption(name: string, expected: string, found: number): never {
  throw new ReparamError("ONNX_BAD_OPTION", `invalid externalizeTensors ${name}`, { expected, found: `${found}` });
}

function conflict(tensor: TensorProto, location: string): never {
  throw new ReparamError("ONNX_EXTERNAL_CONFLICT", "the model already keeps external data in this file", {
    where: `tensor '${tensor.name}'`,
    expected: `no tensor stored in '${location}'`,
    found: `'${location}' in use`,
    hint: "choose another location, or load the model's external data first (internalizeTensors)",
  });
}
