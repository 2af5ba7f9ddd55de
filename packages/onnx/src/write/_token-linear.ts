import { create } from "@bufbuild/protobuf";
import type { findDeployConv, GraphBlockMatch, GraphView, NeutralOp } from "@reparam/core";
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

type DeployConvNode = NonNullable<ReturnType<typeof findDeployConv>>;

/**
 * A Linear on tokens that stands for a block in a converted graph (for
 * `reparam verify`): the bias Add that makes the block's output, over a
 * MatMul reading the block's input, read as the 1x1 conv of its weights and
 * bias (core's `findDeployConv` finds convs only). Undefined otherwise.
 */
export function tokenDeployConv(
  converted: GraphView,
  site: { readonly input: string; readonly output: string },
): DeployConvNode | undefined {
  const add = converted.producer(site.output);
  if (add?.op.kind !== "layout" || add.op.layout.op !== "bias" || add.inputs.length !== 1) return undefined;
  const mm = converted.producer(add.inputs[0]!);
  if (mm?.op.kind !== "layout" || mm.op.layout.op !== "matmul" || mm.inputs[0] !== site.input) return undefined;
  const op: NeutralOp = {
    kind: "conv",
    kernel: mm.op.layout.kernel,
    bias: add.op.layout.shift,
    stride: [1, 1],
    padding: { kind: "explicit", pads: [0, 0, 0, 0] },
    dilation: [1, 1],
    groups: 1,
    linear: true,
  };
  return { conv: { ...mm, op } as DeployConvNode["conv"], pad: [0, 0, 0, 0] };
}
