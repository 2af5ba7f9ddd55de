import type { ModelProto, TensorProto } from "onnx-buf";
import { defaultOpset, tensorAttribute } from "../codec/_attributes.js";
import { isFloatType } from "./_constant-table.js";
import { dtypeOf } from "../codec/onnx-dtype.js";
import { elementCount } from "../codec/tensor-byte-length.js";

/** Float tensors of the main graph that hold weights: initializers and Constant values. */
function weightTensors(model: ModelProto): TensorProto[] {
  const graph = model.graph;
  if (graph === undefined) return [];
  const constants = graph.node.flatMap((n) => (n.opType === "Constant" ? [tensorAttribute(n, "value")?.t] : []));
  return [...graph.initializer, ...constants].filter(
    (t): t is TensorProto => t !== undefined && isFloatType(t.dataType),
  );
}

/** Number of float weight values (initializers and Constant tensors of the main graph). */
export function weightCount(model: ModelProto): number {
  return weightTensors(model).reduce((n, t) => n + elementCount(t.dims, `tensor '${t.name}'`), 0);
}

/** Opset, IR version, producer and the weights' dtype (the one holding most values), for reports. */
export function modelFacts(model: ModelProto): Record<string, string> {
  const byType = new Map<string, number>();
  for (const t of weightTensors(model)) {
    const d = dtypeOf(t.dataType) ?? `${t.dataType}`;
    byType.set(d, (byType.get(d) ?? 0) + elementCount(t.dims, `tensor '${t.name}'`));
  }
  const dtype = [...byType].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "none";
  const producer = `${model.producerName} ${model.producerVersion}`.trim();
  return {
    opset: `${defaultOpset(model.opsetImport)}`,
    ir_version: `${model.irVersion}`,
    producer: producer === "" ? "unknown" : producer,
    dtype,
  };
}
