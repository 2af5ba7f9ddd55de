import { create } from "@bufbuild/protobuf";
import type { GraphBlockMatch } from "@reparam/core";
import { NodeProtoSchema, type NodeProto } from "onnx-buf";
import type { OnnxGraphView } from "../view/onnx-graph-view.js";

/** True when the match's Linear is one on tokens (a MatMul over the last axis of a tensor not known to be 2-D). */
export function tokenLinear(g: OnnxGraphView, match: GraphBlockMatch): boolean {
  return match.nodes.some((n) => {
    const own = g.view.producer(n.outputs[0]!);
    return own?.op.kind === "layout" && own.op.layout.op === "matmul";
  });
}

/**
 * A fused Linear on tokens as torch exports nn.Linear on a sequence:
 * MatMul(x, W [I, O]) then Add(bias, y), named `node` and `addNode`, the
 * product in `between`.
 */
export function tokenLinearNodes(
  node: string,
  addNode: string,
  input: string,
  between: string,
  output: string,
  weight: string,
  bias: string,
): NodeProto[] {
  return [
    create(NodeProtoSchema, { name: node, opType: "MatMul", input: [input, weight], output: [between] }),
    create(NodeProtoSchema, { name: addNode, opType: "Add", input: [bias, between], output: [output] }),
  ];
}
