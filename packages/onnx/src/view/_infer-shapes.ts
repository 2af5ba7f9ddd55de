import { effectivePads, type Pair } from "@reparam/core";
import type { GraphProto, NodeProto, ValueInfoProto } from "onnx-buf";
import { intAttribute, intsAttribute, isOnnxDomain, stringAttribute } from "../codec/_attributes.js";
import type { OnnxConstant } from "./_constant-table.js";
import { padAmounts } from "./_pad-amounts.js";
import { topologicalOrder } from "./topological-order.js";

/** A tensor's shape with unknown (symbolic or not inferred) dims as undefined. */
export type Dims = readonly (number | undefined)[];

/** Ops whose first output has the shape of their first input. */
const SAME_SHAPE = new Set(
  (
    "Relu LeakyRelu PRelu Sigmoid HardSigmoid HardSwish Tanh Clip Elu Selu Celu Gelu Mish Softplus Softsign ThresholdedRelu " +
    "Erf Neg Abs Sqrt Exp Log Reciprocal Floor Ceil Round Sign Identity Cast CastLike Dropout BatchNormalization " +
    "InstanceNormalization LayerNormalization LRN Softmax LogSoftmax Hardmax Swish"
  ).split(" "),
);
const BROADCAST = new Set("Add Sub Mul Div Pow Max Min Sum Mean".split(" "));

function declared(v: ValueInfoProto): Dims | undefined {
  const t = v.type?.value;
  if (t?.case !== "tensorType" || t.value.shape === undefined) return undefined;
  return t.value.shape.dim.map((d) =>
    d.value.case === "dimValue" && d.value.value >= 0n ? Number(d.value.value) : undefined,
  );
}

function broadcast(shapes: readonly Dims[]): Dims {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    const ds = shapes.map((s) => s[s.length - rank + i] ?? 1);
    const big = ds.find((d) => d !== undefined && d !== 1);
    if (big !== undefined) return big;
    return ds.every((d) => d === 1) ? 1 : undefined;
  });
}

/** Output spatial size of a conv or pool over `x` ([N, C, H, W]). */
function window(node: NodeProto, x: Dims, kernel: Pair, ceil: boolean): [number | undefined, number | undefined] {
  const stride = (intsAttribute(node, "strides") ?? [1, 1]) as unknown as Pair;
  const dilation = (intsAttribute(node, "dilations") ?? [1, 1]) as unknown as Pair;
  const mode = stringAttribute(node, "auto_pad", "NOTSET");
  const h = x[2];
  const w = x[3];
  if (h === undefined || w === undefined) return [undefined, undefined];
  const kind =
    mode === "SAME_UPPER"
      ? "same-upper"
      : mode === "SAME_LOWER"
        ? "same-lower"
        : mode === "VALID"
          ? "valid"
          : "explicit";
  const pads = effectivePads(
    kind === "explicit" ? { kind, pads: (intsAttribute(node, "pads") ?? [0, 0, 0, 0]) as never } : { kind },
    kernel,
    stride,
    dilation,
    [h, w],
  );
  if (pads === undefined) return [undefined, undefined];
  const axis = (n: number, i: 0 | 1): number | undefined => {
    const span = (kernel[i] - 1) * dilation[i] + 1;
    const room = n + pads[i]! + pads[i + 2]! - span;
    if (!(stride[i] >= 1) || room < 0) return undefined;
    let out = (ceil ? Math.ceil(room / stride[i]) : Math.floor(room / stride[i])) + 1;
    if (ceil && (out - 1) * stride[i] >= n + pads[i]!) out -= 1; // the last window must start inside the input or its begin pad
    return out;
  };
  return [axis(h, 0), axis(w, 1)];
}

function infer(
  node: NodeProto,
  ins: readonly (Dims | undefined)[],
  constants: ReadonlyMap<string, OnnxConstant>,
  opset: number,
): Dims | undefined {
  const x = ins[0];
  if (x === undefined) return undefined;
  const op = node.opType;
  if (SAME_SHAPE.has(op)) return x;
  if (BROADCAST.has(op)) return ins.every((s) => s !== undefined) ? broadcast(ins as Dims[]) : undefined;
  if (x.length === 2 && (op === "MatMul" || op === "Gemm")) {
    // [N, I] x [I, O] (Gemm: transA 0; transB 1 stores [O, I]); anything else is left unknown.
    const w = ins[1];
    if (w?.length !== 2 || (op === "Gemm" && intAttribute(node, "transA", 0) !== 0)) return undefined;
    return [x[0], op === "Gemm" && intAttribute(node, "transB", 0) !== 0 ? w[0] : w[1]];
  }
  if (x.length !== 4) return undefined;
  switch (op) {
    case "Conv": {
      const w = ins[1];
      if (w === undefined || w.length !== 4 || w[2] === undefined || w[3] === undefined) return undefined;
      return [x[0], w[0], ...window(node, x, [w[2], w[3]], false)];
    }
    case "AveragePool":
    case "MaxPool":
    case "LpPool": {
      const k = intsAttribute(node, "kernel_shape");
      if (k?.length !== 2) return undefined;
      return [x[0], x[1], ...window(node, x, k as unknown as Pair, intAttribute(node, "ceil_mode", 0) === 1)];
    }
    case "GlobalAveragePool":
    case "GlobalMaxPool":
    case "GlobalLpPool":
      return [x[0], x[1], 1, 1];
    case "Pad": {
      const p = padAmounts(node, constants, opset, 4)?.pads;
      if (p?.length !== 8) return undefined;
      return x.map((d, i) => (d === undefined ? undefined : d + p[i]! + p[i + 4]!));
    }
    default:
      return undefined;
  }
}

/**
 * Shapes of the graph's tensors: declared ones (graph inputs, value_info,
 * outputs, constants) and, where a node's output has none, a small
 * propagation through the ops that matter for padding (Conv, pools, Pad,
 * BatchNormalization, element-wise ops, broadcasting arithmetic) and for
 * telling a Linear layer (rank-2 MatMul / Gemm). Enough to
 * resolve SAME padding in exported models that carry no value_info.
 */
export function inferShapes(
  graph: GraphProto,
  constants: ReadonlyMap<string, OnnxConstant>,
  opset: number,
): Map<string, Dims> {
  const shapes = new Map<string, Dims>();
  for (const v of [...graph.input, ...graph.valueInfo, ...graph.output]) {
    const d = declared(v);
    if (d !== undefined && !shapes.has(v.name)) shapes.set(v.name, d);
  }
  for (const [name, c] of constants) if (!shapes.has(name)) shapes.set(name, c.dims);
  for (const node of topologicalOrder(graph)) {
    const out = node.output[0];
    if (out === undefined || out === "" || shapes.has(out) || !isOnnxDomain(node)) continue;
    const d = infer(
      node,
      node.input.map((i) => shapes.get(i)),
      constants,
      opset,
    );
    if (d !== undefined) shapes.set(out, d);
  }
  return shapes;
}
