import { isFieldSet, toBinary } from "@bufbuild/protobuf";
import { ModelProtoSchema, TensorProtoSchema, type ModelProto } from "onnx-buf";
import { copyMessage } from "../codec/_copy-message.js";
import type { PendingData, PendingTensors } from "./_pending-data.js";
import { findFields, varint, varintLength } from "../codec/wire-fields.js";

/** A piece of an encoded model: bytes, or bytes made when the piece is written. */
export type Piece = Uint8Array | PendingData;

/** An encoded model as pieces to write in order, and its total length. */
export interface ModelPieces {
  readonly pieces: readonly Piece[];
  readonly byteLength: number;
}

/** `raw_data` of at least this many bytes is written from its own buffer, never copied into the encoding. */
const OWN_PIECE_BYTES = 64 * 1024;
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const EMPTY = new Uint8Array(0);
const lengthTag = (field: number) => (field << 3) | 2; // one byte for fields 1-15

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Joins runs of small byte pieces into one (fewer writes); large ones and pending ones stay as they are. */
function coalesce(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  let run: Uint8Array[] = [];
  const flush = () => {
    if (run.length > 0) out.push(run.length === 1 ? run[0]! : concat(run));
    run = [];
  };
  for (const p of pieces) {
    if (p.byteLength === 0) continue;
    if (p instanceof Uint8Array && p.byteLength < OWN_PIECE_BYTES) run.push(p);
    else {
      flush();
      out.push(p);
    }
  }
  flush();
  return out;
}

/**
 * The bytes {@link encodeModel} gives for `model` (with each pending tensor's
 * `raw_data` filled in), as pieces: the main graph's large initializers and
 * the pending ones are spliced in by reference, so the encoding holds only
 * the rest of the model. The model is encoded with those tensors' `raw_data`
 * emptied, then each empty field is replaced by the real bytes, and the
 * length prefixes around it (tensor, graph) are fixed up.
 */
export function modelPieces(model: ModelProto, pending: PendingTensors): ModelPieces {
  const options = { writeUnknownFields: true };
  const graph = model.graph;
  const own = new Map<number, Uint8Array | PendingData>(); // by initializer index
  const initializer = (graph?.initializer ?? []).map((t, i) => {
    const large = isFieldSet(t, TensorProtoSchema.field.rawData) && t.rawData.byteLength >= OWN_PIECE_BYTES;
    const data = pending.get(t) ?? (large ? t.rawData : undefined);
    if (data === undefined) return t;
    own.set(i, data);
    return copyMessage(t, { rawData: EMPTY });
  });
  if (graph === undefined || own.size === 0) {
    const bytes = toBinary(ModelProtoSchema, model, options);
    return { pieces: [bytes], byteLength: bytes.byteLength };
  }
  const bytes = toBinary(ModelProtoSchema, copyMessage(model, { graph: copyMessage(graph, { initializer }) }), options);
  const [g] = findFields(bytes, MODEL_GRAPH, 1);
  const graphBytes = bytes.subarray(g!.valueStart, g!.end);
  const entries = findFields(graphBytes, GRAPH_INITIALIZER, Math.max(...own.keys()) + 1);
  const inner: Piece[] = [];
  let graphLength = graphBytes.byteLength;
  let at = 0;
  for (const [i, data] of [...own].sort((a, b) => a[0] - b[0])) {
    const e = entries[i]!;
    const tensor = graphBytes.subarray(e.valueStart, e.end);
    const [raw] = findFields(tensor, TENSOR_RAW_DATA, 1); // the emptied field: its tag and a zero length
    const n = data.byteLength;
    const tensorLength = tensor.byteLength - (raw!.end - raw!.start) + 1 + varintLength(n) + n;
    graphLength += 1 + varintLength(tensorLength) + tensorLength - (e.end - e.start);
    const head = [
      Uint8Array.of(lengthTag(GRAPH_INITIALIZER)),
      varint(tensorLength),
      tensor.subarray(0, raw!.start),
      Uint8Array.of(lengthTag(TENSOR_RAW_DATA)),
      varint(n),
    ];
    inner.push(graphBytes.subarray(at, e.start), ...head, data);
    at = e.valueStart + raw!.end;
  }
  inner.push(graphBytes.subarray(at));
  const pieces = [
    bytes.subarray(0, g!.start),
    Uint8Array.of(lengthTag(MODEL_GRAPH)),
    varint(graphLength),
    ...inner,
    bytes.subarray(g!.end),
  ];
  return {
    pieces: coalesce(pieces),
    byteLength: g!.start + 1 + varintLength(graphLength) + graphLength + (bytes.byteLength - g!.end),
  };
}
