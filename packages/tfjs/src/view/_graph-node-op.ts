import type { ConstRef, NeutralOp, Padding, Pair } from "@reparam/core";
import { attrBool, attrFloat, attrInts, attrText, biasOnlyFusedOps } from "../codec/_graph-attr.js";
import { parseInput, type GraphIndex } from "./_graph-index.js";
import { tfPadding } from "./_tf-padding.js";
import type { Float32Pool } from "../codec/_float32-pool.js";
import { isChannelWeight, isKernelWeight, weightConst } from "./_weight-const.js";
import { MATMULS, matMulOp } from "./_graph-matmul-op.js";
import { weightValues } from "../codec/weight-values.js";
import type { NodeDefJson } from "../codec/graph-topology.js";

const OTHER: NeutralOp = { kind: "other" };
const CONVS = new Set(["Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);
const BATCH_NORMS = new Set(["FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"]);
const SHIFTS = new Set(["Add", "AddV2", "BiasAdd"]);
const AFFINE = new Set([...SHIFTS, "Mul", "Sub"]);

const isNhwc = (node: NodeDefJson): boolean => (attrText(node, "data_format") ?? "NHWC") === "NHWC";

/** [h, w] of an NHWC 4-vector attribute (`strides`, `dilations`, `ksize`); absent -> 1, 1. */
export function spatialPair(node: NodeDefJson, key: string): Pair | undefined {
  const v = attrInts(node, key);
  if (v === undefined || v.length === 0) return [1, 1];
  return v.length === 4 && v[0] === 1 && v[3] === 1 && v[1]! >= 1 && v[2]! >= 1 ? [v[1]!, v[2]!] : undefined;
}

/** An NHWC `Pad` paddings tensor `[[0, 0], [t, b], [l, r], [0, 0]]` as pads [t, l, b, r]. */
export function padPads(index: GraphIndex, tensor: string): readonly [number, number, number, number] | undefined {
  const w = index.constWeight(tensor);
  if (w === undefined || w.dtype !== "int32" || w.shape.length !== 2 || w.shape[0] !== 4 || w.shape[1] !== 2)
    return undefined;
  const p = Array.from(weightValues(w));
  if (p.some((v) => v < 0) || p[0] !== 0 || p[1] !== 0 || p[6] !== 0 || p[7] !== 0) return undefined;
  return [p[2]!, p[4]!, p[3]!, p[5]!];
}

/**
 * What a GraphDef node does, for the matcher. `data` are its non-constant
 * inputs (tensor names), the only inputs the view shows. Convolutions need a
 * constant kernel and NHWC; a fused conv is linear only with `fused_ops`
 * exactly `[BiasAdd]` (an activation makes it "other"); a BN must not be in
 * training mode; Mul / Add / AddV2 / BiasAdd / Sub with one per-channel
 * constant are affine; MatMul / _FusedMatMul (BiasAdd) by a constant kernel
 * are 1x1 convs; Add / AddV2 / AddN of data are sums, Sub of two data a
 * difference (first minus second); Pad / PadV2 with constant zero batch and
 * channel paddings are pads (PadV2 with its scalar constant as the value); VALID AvgPool is an average pool
 * (TF's SAME pooling excludes pads).
 */
export function graphNodeOp(
  node: NodeDefJson,
  index: GraphIndex,
  pool?: Float32Pool,
): { op: NeutralOp; data: string[] } {
  const inputs = (node.input ?? [])
    .map(parseInput)
    .filter((i) => !i.control)
    .map((i) => i.tensor);
  const data = inputs.filter((t) => !index.isConstant(t));
  const consts = inputs.filter((t) => index.isConstant(t));
  const result = (op: NeutralOp) => ({ op, data });
  const flat = (t: string | undefined): ConstRef | undefined => {
    const w = t === undefined ? undefined : index.constWeight(t);
    return isChannelWeight(w) ? weightConst(w, "flat") : undefined;
  };
  if (CONVS.has(node.op)) return result(convOp(node, inputs, data, index, pool) ?? OTHER);
  if (MATMULS.has(node.op)) return result(matMulOp(node, inputs, data, index) ?? OTHER);
  if (BATCH_NORMS.has(node.op)) {
    const [gamma, beta, mean, variance] = inputs.slice(1, 5).map(flat);
    if (
      inputs.length !== 5 ||
      data.length !== 1 ||
      inputs[0] !== data[0] ||
      attrBool(node, "is_training") === true ||
      !isNhwc(node)
    )
      return result(OTHER);
    if (!gamma || !beta || !mean || !variance) return result(OTHER);
    return result({ kind: "batchnorm", gamma, beta, mean, variance, eps: attrFloat(node, "epsilon") ?? 1e-4 });
  }
  if (AFFINE.has(node.op) && data.length === 1 && consts.length === 1 && inputs.length === 2) {
    const c = flat(consts[0]);
    if (c === undefined || (node.op === "BiasAdd" && !isNhwc(node))) return result(OTHER);
    if (node.op === "Mul") return result({ kind: "affine", scale: c });
    if (SHIFTS.has(node.op) && (node.op !== "BiasAdd" || inputs[0] === data[0]))
      return result({ kind: "affine", shift: c });
    if (node.op === "Sub" && inputs[0] === data[0]) return result({ kind: "affine", shift: negated(c) });
    return result(OTHER);
  }
  if ((node.op === "Add" || node.op === "AddV2" || node.op === "AddN") && consts.length === 0 && data.length >= 2)
    return result({ kind: "add" });
  if (node.op === "Sub" && consts.length === 0 && inputs.length === 2 && data.length === 2)
    return result({ kind: "sub" });
  if ((node.op === "Pad" || node.op === "PadV2") && data.length === 1 && inputs[0] === data[0]) {
    const pads = padPads(index, inputs[1]!);
    // PadV2's constant_values: one scalar constant (a frame between convs when not 0; see NeutralOp "pad").
    const c = node.op === "PadV2" ? index.constWeight(inputs[2] ?? "") : undefined;
    const v = node.op === "Pad" ? 0 : c !== undefined && c.shape.length === 0 ? Number(weightValues(c)[0]) : Number.NaN;
    if (!pads || !Number.isFinite(v)) return result(OTHER);
    return result(v === 0 ? { kind: "pad", pads } : { kind: "pad", pads, value: v });
  }
  if (node.op === "AvgPool" && data.length === 1 && attrText(node, "padding") === "VALID" && isNhwc(node)) {
    const size = spatialPair(node, "ksize");
    const stride = spatialPair(node, "strides");
    return result(size && stride ? { kind: "avgpool", size, stride, padding: { kind: "valid" } } : OTHER);
  }
  return result(OTHER);
}

function negated(c: ConstRef): ConstRef {
  return { shape: c.shape, values: async () => (await c.values()).map((v) => -v) };
}

function convOp(
  node: NodeDefJson,
  inputs: readonly string[],
  data: readonly string[],
  index: GraphIndex,
  pool: Float32Pool | undefined,
): NeutralOp | undefined {
  if (data.length !== 1 || inputs[0] !== data[0] || !isNhwc(node)) return undefined;
  const fused = node.op.startsWith("_") || node.op.startsWith("Fused");
  const ops = biasOnlyFusedOps(node, fused);
  if (ops === undefined) return undefined;
  if (inputs.length !== 2 + ops.length) return undefined;
  const kernel = index.constWeight(inputs[1]!);
  if (!isKernelWeight(kernel)) return undefined;
  const depthwise = node.op.includes("Depthwise");
  const [kh, kw, i, o] = kernel.shape as [number, number, number, number];
  const out = depthwise ? i * o : o;
  let bias: ConstRef | undefined;
  if (ops.length === 1) {
    const b = index.constWeight(inputs[2]!);
    if (!isChannelWeight(b) || b.shape.length !== 1 || b.shape[0] !== out) return undefined;
    bias = weightConst(b, "flat");
  }
  const stride = spatialPair(node, "strides");
  const dilation = spatialPair(node, "dilations");
  const mode = attrText(node, "padding");
  if (!stride || !dilation) return undefined;
  const size: Pair = [kh, kw];
  let padding: Padding;
  if (mode === "SAME" || mode === "VALID")
    padding = tfPadding(mode === "SAME" ? "same" : "valid", size, stride, dilation);
  else if (mode === "EXPLICIT") {
    const p = attrInts(node, "explicit_paddings");
    if (p?.length !== 8 || p.some((v) => v < 0) || p[0] !== 0 || p[1] !== 0 || p[6] !== 0 || p[7] !== 0)
      return undefined;
    padding = { kind: "explicit" as const, pads: [p[2]!, p[4]!, p[3]!, p[5]!] as const };
  } else return undefined;
  return {
    kind: "conv",
    kernel: weightConst(kernel, depthwise ? "hwcm" : "hwio", pool),
    ...(bias ? { bias } : {}),
    stride,
    padding,
    dilation,
    groups: depthwise ? i : 1,
  };
}
