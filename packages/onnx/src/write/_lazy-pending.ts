import type { ModelProto, TensorProto } from "onnx-buf";
import { lazyData, rawBytes } from "../codec/lazy-data.js";
import type { PendingData, PendingTensors } from "./_pending-data.js";

/**
 * `pending` plus every initializer of `model`'s main graph whose data was
 * left in the input file (see `setLazyData`): the writer copies those bytes
 * from the input when their turn comes, one tensor at a time, so neither the
 * decoded model nor the writer ever holds the weights whole.
 */
export function withLazyTensors(model: ModelProto, pending: PendingTensors): PendingTensors {
  const graph = model.graph;
  if (graph === undefined) return pending;
  let out: Map<TensorProto, PendingData> | undefined;
  for (const t of graph.initializer) {
    const d = lazyData(t);
    if (d === undefined || pending.has(t)) continue;
    out ??= new Map(pending);
    out.set(t, { byteLength: d.length, bytes: () => rawBytes(t) });
  }
  return out ?? pending;
}
