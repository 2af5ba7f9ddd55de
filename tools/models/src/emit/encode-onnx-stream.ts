import type { ByteSink } from "@reparam/core";
import { type ModelProto, encodeModel } from "@reparam/onnx";
import { varint, varintLength, wireFields } from "@reparam/onnx/wire";
import type { LazyTensor } from "./lazy-tensor.js";

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;

/**
 * Writes `model` with `initializers` added to its graph, to `sink`, without
 * ever holding more than one tensor's bytes: the model (with no
 * initializers) is encoded with the project's codec, and each initializer is
 * spliced in as a `TensorProto` (dims, data_type, name, raw_data) at the
 * place of graph field 5, with the graph's length prefix fixed up in
 * advance. For a model that fits in memory the bytes are identical to
 * `encodeModel` of the same model with the initializers in place.
 *
 * @returns the number of bytes written.
 */
export async function encodeOnnxStream(
  model: ModelProto,
  initializers: readonly LazyTensor[],
  sink: ByteSink,
): Promise<number> {
  if (model.graph === undefined || model.graph.initializer.length > 0)
    throw new Error("encodeOnnxStream wants a graph without initializers");
  const bytes = encodeModel(model);
  const graphField = wireFields(bytes).find((f) => f.number === MODEL_GRAPH);
  if (graphField === undefined) throw new Error("encoded model has no graph");
  const graph = bytes.subarray(graphField.valueStart, graphField.end);
  const at = wireFields(graph).find((f) => f.number > GRAPH_INITIALIZER)?.start ?? graph.byteLength;

  const heads = initializers.map(tensorHead);
  let added = 0;
  for (const [i, t] of initializers.entries()) {
    const length = heads[i]!.byteLength + t.byteLength;
    added += 1 + varintLength(length) + length;
  }
  const graphLength = graph.byteLength + added;
  const write = (b: Uint8Array) => sink.write(b);
  await write(bytes.subarray(0, graphField.start));
  await write(Uint8Array.of((MODEL_GRAPH << 3) | 2, ...varint(graphLength)));
  await write(graph.subarray(0, at));
  for (const [i, t] of initializers.entries()) {
    const head = heads[i]!;
    await write(Uint8Array.of((GRAPH_INITIALIZER << 3) | 2, ...varint(head.byteLength + t.byteLength)));
    await write(head);
    const data = t.bytes();
    if (data.byteLength !== t.byteLength)
      throw new Error(`tensor ${t.name}: ${data.byteLength} bytes, expected ${t.byteLength}`);
    await write(data);
  }
  await write(graph.subarray(at));
  await write(bytes.subarray(graphField.end));
  const headLength = graphField.start + 1 + varintLength(graphLength);
  return headLength + graphLength + (bytes.byteLength - graphField.end);
}

/** TensorProto fields 1 (dims, unpacked), 2 (data_type), 8 (name) and the tag and length of 9 (raw_data). */
function tensorHead(t: LazyTensor): Uint8Array {
  const name = new TextEncoder().encode(t.name);
  const parts: number[] = [];
  for (const d of t.dims) parts.push(0x08, ...varint(d));
  parts.push(0x10, ...varint(t.dataType));
  parts.push(0x42, ...varint(name.byteLength), ...name);
  parts.push(0x4a, ...varint(t.byteLength));
  return Uint8Array.from(parts);
}
