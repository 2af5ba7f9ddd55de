import type { NodeProto, TensorProto } from "onnx-buf";

/** How messages name a tensor: its own name verbatim. */
export function tensorLabel(tensor: TensorProto): string {
  return `tensor '${tensor.name}'`;
}

/** How messages name a node: its name, or its position and op type when unnamed. */
export function nodeLabel(node: NodeProto, index: number): string {
  return node.name === "" ? `node #${index} (${node.opType})` : `node '${node.name}'`;
}
