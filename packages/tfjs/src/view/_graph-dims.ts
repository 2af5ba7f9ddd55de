import type { NeutralOp, Pair } from "@reparam/core";
import { attrBool, attrInts } from "../codec/_graph-attr.js";
import { parseInput, producerName, type GraphIndex } from "./_graph-index.js";
import { propagate } from "./_propagate.js";
import { weightValues } from "../codec/weight-values.js";
import type { NodeDefJson, SignatureJson, TensorShapeJson } from "../codec/graph-topology.js";

/** Core's layout ops (pre-BN sinking's `LayoutOp`). */
export type LayoutOp = Extract<NeutralOp, { kind: "layout" }>["layout"];
/** Dims of a tensor as far as known (core's `Dims`: undefined where a dim is not). */
export type Dims = NonNullable<Extract<LayoutOp, { op: "reshape" }>["from"]>;

type Known = Dims | undefined;

/** Elementwise ops: the output has the broadcast dims of all inputs (constants by their shapes). */
const ELEMENTWISE = new Set([
  ...["Identity", "Relu", "Relu6", "Elu", "Selu", "Sigmoid", "Tanh", "LeakyRelu", "Softplus", "Softsign"],
  ...["Square", "Sqrt", "Rsqrt", "Neg", "Abs", "Exp", "Log", "Cast", "Erf", "Round", "Floor", "ClipByValue"],
  ...["Mul", "Add", "AddV2", "AddN", "Sub", "BiasAdd", "Maximum", "Minimum", "RealDiv", "Div", "Pow"],
  ...["SquaredDifference", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"],
]);
const CONVS = new Set(["Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);
const POOLS = new Set(["AvgPool", "MaxPool"]);

const shapeDims = (s: TensorShapeJson | undefined): Known =>
  s?.dim?.map((d) => {
    const n = Number(d.size ?? "-1");
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  });

/** NumPy broadcasting, right-aligned: per axis a known dim above 1, else 1 when all are known (1), else unknown. */
export function broadcastDims(inputs: readonly Known[]): Known {
  if (inputs.some((d) => d === undefined)) return undefined;
  const all = inputs as Dims[];
  const rank = Math.max(...all.map((d) => d.length));
  const out: (number | undefined)[] = [];
  for (let a = 0; a < rank; a++) {
    const at = all.map((d) => (a < rank - d.length ? 1 : d[a - (rank - d.length)]));
    const big = at.find((v) => v !== undefined && v > 1);
    out.push(big ?? (at.every((v) => v !== undefined) ? 1 : undefined));
  }
  return out;
}

/** The values of a constant int32 tensor. */
export const int32Values = (index: GraphIndex, t: string | undefined): number[] | undefined => {
  const w = t === undefined ? undefined : index.constWeight(t);
  return w?.dtype === "int32" ? Array.from(weightValues(w)) : undefined;
};

/** Reshape's target: its constant shape, a -1 worked out when the input's size is known. */
function reshaped(x: Known, shape: readonly number[]): Known {
  const out = shape.map((v) => (v >= 0 ? v : undefined));
  const total = x?.every((v) => v !== undefined) ? x.reduce<number>((a, v) => a * v!, 1) : undefined;
  const rest = out.filter((v) => v !== undefined).reduce<number>((a, v) => a * v!, 1);
  if (shape.filter((v) => v === -1).length === 1 && total !== undefined && rest > 0 && total % rest === 0)
    out[shape.indexOf(-1)] = total / rest;
  return out;
}

/** Squeeze: the listed axes (all dims of 1 when none is listed, if known) removed. */
function squeezed(x: Known, listed: readonly number[]): Known {
  if (x === undefined) return undefined;
  const axes =
    listed.length > 0 ? listed.map((a) => (a < 0 ? a + x.length : a)) : x.flatMap((d, a) => (d === 1 ? [a] : []));
  if (listed.length === 0 && x.some((d) => d === undefined)) return undefined;
  if (axes.some((a) => a < 0 || a >= x.length || (x[a] !== undefined && x[a] !== 1))) return undefined;
  return x.filter((_, a) => !axes.includes(a));
}

function outDims(
  node: NodeDefJson,
  index: GraphIndex,
  get: (t: string) => Known,
  size: Pair | undefined,
  sig?: SignatureJson,
): Known {
  const inputs = (node.input ?? [])
    .map(parseInput)
    .filter((i) => !i.control)
    .map((i) => i.tensor);
  const dims = (t: string): Known => (index.isConstant(t) ? index.constWeight(t)?.shape : get(t));
  const x = inputs[0] === undefined ? undefined : get(inputs[0]);
  if (node.op === "Placeholder") {
    const own = shapeDims(node.attr?.shape?.shape);
    const s = Object.values(sig?.inputs ?? {}).find((i) => parseInput(i.name ?? "").tensor === node.name);
    return own ?? shapeDims(s?.tensorShape);
  }
  if (ELEMENTWISE.has(node.op)) return broadcastDims(inputs.map(dims));
  if (x === undefined) return undefined;
  const consts = inputs.slice(1).map((t) => int32Values(index, t));
  if (node.op === "Reshape") return consts[0] && reshaped(x, consts[0]);
  if (node.op === "ExpandDims") {
    const a = consts[0]?.length === 1 ? consts[0][0]! : undefined;
    const at = a === undefined ? undefined : a < 0 ? a + x.length + 1 : a;
    return at === undefined || at < 0 || at > x.length ? undefined : [...x.slice(0, at), 1, ...x.slice(at)];
  }
  if (node.op === "Squeeze") return squeezed(x, attrInts(node, "squeeze_dims") ?? []);
  if (node.op === "Transpose") {
    const perm = consts[0];
    return perm !== undefined && perm.length === x.length && perm.every((p) => p >= 0 && p < x.length)
      ? perm.map((p) => x[p])
      : undefined;
  }
  if (node.op === "MatMul" && attrBool(node, "transpose_a") !== true && attrBool(node, "transpose_b") !== true) {
    const k = index.constWeight(inputs[1] ?? "")?.shape;
    return x.length === 2 && k?.length === 2 ? [x[0], k[1]] : undefined;
  }
  if (x.length !== 4 || (!CONVS.has(node.op) && !POOLS.has(node.op))) return undefined;
  const k = index.constWeight(inputs[1] ?? "")?.shape;
  const channels = POOLS.has(node.op) ? x[3] : node.op.includes("Depthwise") ? k && k[2]! * k[3]! : k?.[3];
  return [x[0], size?.[0], size?.[1], channels];
}

/**
 * The dims of every node's first output where known (unknown entries where
 * a dim is not: the batch), propagated from the Placeholders' shapes (or
 * the signature's) through elementwise ops (broadcast), Reshape,
 * ExpandDims, Squeeze, Transpose, MatMul and NHWC convs and pools (spatial
 * sizes from `sizes`); unknown after anything else. Keyed by node name.
 */
export function graphDims(
  index: GraphIndex,
  sizes: (node: string) => Pair | undefined,
  signature: SignatureJson | undefined,
): Map<string, Known> {
  const dataInputs = (n: NodeDefJson): string[] =>
    (n.input ?? [])
      .map(parseInput)
      .filter((i) => !i.control && !index.isConstant(i.tensor))
      .map((i) => producerName(i.tensor));
  return propagate(
    index.nodes.filter((n) => !index.isConstant(n.name)),
    (n) => n.name,
    dataInputs,
    (n, get) => outDims(n, index, (t) => (producerName(t) === t ? get(t) : undefined), sizes(n.name), signature),
  );
}
