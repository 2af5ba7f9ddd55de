import type { Pair } from "@reparam/core";
import { attrBool, attrInts, attrText } from "../codec/_graph-attr.js";
import { parseInput, producerName, type GraphIndex } from "./_graph-index.js";
import { padPads, spatialPair } from "./_graph-node-op.js";
import { propagate } from "./_propagate.js";
import { broadcastSize, convOutSize, nhwcSize, paddedSize } from "./_spatial-size.js";
import { weightValues } from "../codec/weight-values.js";
import type { NodeDefJson, SignatureJson, TensorShapeJson } from "../codec/graph-topology.js";

type Size = Pair | undefined;

const ELEMENTWISE = new Set([
  "Identity",
  "Relu",
  "Relu6",
  "Elu",
  "Selu",
  "Sigmoid",
  "Tanh",
  "LeakyRelu",
  "Prelu",
  "Softplus",
  "Softsign",
  "Square",
  "Sqrt",
  "Rsqrt",
  "Neg",
  "Abs",
  "Exp",
  "Log",
  "Cast",
  "Erf",
  "Round",
  "Floor",
  "ClipByValue",
  "FusedBatchNorm",
  "FusedBatchNormV2",
  "FusedBatchNormV3",
  "Mul",
  "Add",
  "AddV2",
  "AddN",
  "Sub",
  "BiasAdd",
  "Maximum",
  "Minimum",
  "RealDiv",
  "Div",
  "SquaredDifference",
  "Pow",
]);
const CONVS = new Set([
  "Conv2D",
  "_FusedConv2D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative",
  "MaxPool",
  "AvgPool",
]);

const shapeSize = (s: TensorShapeJson | undefined): Size => nhwcSize(s?.dim?.map((d) => d.size ?? "-1"));

/** Spatial extent of a constant as a broadcast operand: rank <= 2 is 1x1, `[h, w, c]` and `[n, h, w, c]` are h x w. */
function constSize(index: GraphIndex, t: string): Size {
  const s = index.constWeight(t)?.shape;
  if (s === undefined) return undefined;
  if (s.length <= 2) return [1, 1];
  return nhwcSize(s.length === 3 ? [1, ...s] : s);
}

const int32s = (index: GraphIndex, t: string | undefined): number[] | undefined => {
  const w = t === undefined ? undefined : index.constWeight(t);
  return w?.dtype === "int32" ? Array.from(weightValues(w)) : undefined;
};

/** A ConcatV2 along the channels (axis 3 or -1) of inputs of one known size keeps it; unknown otherwise. */
function concatSize(index: GraphIndex, inputs: readonly string[], size: (t: string) => Size): Size {
  const axis = int32s(index, inputs[inputs.length - 1]);
  if (axis?.length !== 1 || (axis[0] !== 3 && axis[0] !== -1)) return undefined;
  const sizes = inputs.slice(0, -1).map(size);
  const first = sizes[0];
  return first !== undefined && sizes.every((s) => s?.[0] === first[0] && s[1] === first[1]) ? first : undefined;
}

/** A Slice of an NHWC tensor: per spatial axis its `size`, or (size -1) what is left after `begin`. */
function sliceSize(index: GraphIndex, inputs: readonly string[], x: Pair): Size {
  const begin = int32s(index, inputs[1]);
  const extent = int32s(index, inputs[2]);
  if (begin?.length !== 4 || extent?.length !== 4) return undefined;
  const axis = (i: 1 | 2): number => (extent[i] === -1 ? x[i - 1]! - begin[i]! : extent[i]!);
  const out: Pair = [axis(1), axis(2)];
  return begin[1]! >= 0 &&
    begin[2]! >= 0 &&
    out[0] >= 1 &&
    out[1] >= 1 &&
    begin[1]! + out[0] <= x[0] &&
    begin[2]! + out[1] <= x[1]
    ? out
    : undefined;
}

function outSize(
  node: NodeDefJson,
  index: GraphIndex,
  size: (t: string) => Size,
  signature: SignatureJson | undefined,
): Size {
  const inputs = (node.input ?? [])
    .map(parseInput)
    .filter((i) => !i.control)
    .map((i) => i.tensor);
  const x = inputs[0] === undefined ? undefined : size(inputs[0]);
  if (node.op === "Placeholder") {
    const own = shapeSize(node.attr?.shape?.shape);
    const sig = Object.values(signature?.inputs ?? {}).find((i) => parseInput(i.name ?? "").tensor === node.name);
    return own ?? shapeSize(sig?.tensorShape);
  }
  if (ELEMENTWISE.has(node.op))
    return broadcastSize(inputs.map((t) => (index.isConstant(t) ? constSize(index, t) : size(t))));
  if (node.op === "Reshape") {
    const w = index.constWeight(inputs[1] ?? "");
    return w?.dtype === "int32" ? nhwcSize(Array.from(weightValues(w))) : undefined;
  }
  if (node.op === "Mean" || node.op === "Max") {
    const w = index.constWeight(inputs[1] ?? "");
    const axes = w?.dtype === "int32" ? Array.from(weightValues(w)).sort().join() : "";
    return attrBool(node, "keep_dims") === true && axes === "1,2" ? [1, 1] : undefined;
  }
  if (node.op === "ConcatV2") return concatSize(index, inputs, size);
  if (x === undefined) return undefined;
  if (node.op === "Slice") return sliceSize(index, inputs, x);
  if (node.op === "Pad" || node.op === "PadV2" || node.op === "MirrorPad") {
    const pads = padPads(index, inputs[1] ?? "");
    return pads && paddedSize(x, pads);
  }
  if (!CONVS.has(node.op) || (attrText(node, "data_format") ?? "NHWC") !== "NHWC") return undefined;
  const pool = node.op.endsWith("Pool");
  const k = pool ? undefined : index.constWeight(inputs[1] ?? "")?.shape;
  const kernel = pool ? spatialPair(node, "ksize") : k && k.length === 4 ? ([k[0]!, k[1]!] as Pair) : undefined;
  const stride = spatialPair(node, "strides");
  const dilation = spatialPair(node, "dilations");
  const mode = attrText(node, "padding");
  const e = attrInts(node, "explicit_paddings") ?? [];
  const padding =
    mode === "SAME"
      ? "same"
      : mode === "VALID"
        ? "valid"
        : mode === "EXPLICIT" && e.length === 8
          ? ([e[2]!, e[4]!, e[3]!, e[5]!] as const)
          : undefined;
  return kernel && stride && dilation && padding ? convOutSize(x, kernel, stride, dilation, padding) : undefined;
}

/**
 * [H, W] of every node's first output, propagated from the Placeholders'
 * shapes (or the signature's) through the ops whose effect on the spatial
 * size is known (a Slice, a ConcatV2 along the channels among them);
 * unknown after anything else. Keyed by node name.
 */
export function graphSizes(index: GraphIndex, signature: SignatureJson | undefined): Map<string, Size> {
  const dataInputs = (n: NodeDefJson): string[] =>
    (n.input ?? [])
      .map(parseInput)
      .filter((i) => !i.control && !index.isConstant(i.tensor))
      .map((i) => producerName(i.tensor));
  const nodes = index.nodes.filter((n) => !index.isConstant(n.name));
  return propagate(
    nodes,
    (n) => n.name,
    dataInputs,
    (n, get) => outSize(n, index, (t) => (producerName(t) === t ? get(t) : undefined), signature),
  );
}
