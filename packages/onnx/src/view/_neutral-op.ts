import type { ConstRef, NeutralOp, Padding, Pads, Pair } from "@reparam/core";
import type { NodeProto } from "onnx-buf";
import { floatAttribute, intAttribute, intsAttribute, isOnnxDomain, stringAttribute } from "../codec/_attributes.js";
import { isFloatType, type OnnxConstant } from "./_constant-table.js";
import { decimalOfFloat32 } from "./_decimal-of-float32.js";
import { layoutOp } from "./_layout-op.js";
import { linearOp } from "./_linear-op.js";
import type { NodeReading, OpContext } from "./_op-context.js";
import { spatialConstantPad } from "./_pad-amounts.js";

export type { NodeReading, OpContext } from "./_op-context.js";

// FLOAT weights reach core as float32 (widened there, exactly, as it computes): no float64 copy of the model's kernels.
const floatRef = (c: OnnxConstant, shape: readonly number[] = c.dims): ConstRef => ({
  shape,
  values: async () => c.readFloats(),
});

const positive = (v: readonly number[] | undefined, n: number): v is number[] =>
  v !== undefined && v.length === n && v.every((x) => Number.isInteger(x) && x >= 1);
const nonNegative = (v: readonly number[] | undefined, n: number): v is number[] =>
  v !== undefined && v.length === n && v.every((x) => Number.isInteger(x) && x >= 0);

/** auto_pad + pads as core's Padding (ONNX 2-D pads are [top, left, bottom, right] already). */
function padding(node: NodeProto): Padding | undefined {
  const pads = intsAttribute(node, "pads") ?? [0, 0, 0, 0];
  switch (stringAttribute(node, "auto_pad", "NOTSET")) {
    case "NOTSET":
      return nonNegative(pads, 4) ? { kind: "explicit", pads: pads as unknown as Pads } : undefined;
    case "SAME_UPPER":
      return { kind: "same-upper" };
    case "SAME_LOWER":
      return { kind: "same-lower" };
    case "VALID":
      return { kind: "valid" };
    default:
      return undefined;
  }
}

function conv(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const [x, w, b = ""] = node.input;
  if (x === undefined || w === undefined || node.input.length > 3 || node.output.length !== 1 || ctx.constants.has(x))
    return undefined;
  const kernel = ctx.constants.get(w);
  if (kernel === undefined || kernel.dims.length !== 4 || !isFloatType(kernel.dataType)) return undefined;
  const bias = b === "" ? undefined : ctx.constants.get(b);
  if (
    b !== "" &&
    (bias === undefined ||
      bias.dims.length !== 1 ||
      bias.dims[0] !== kernel.dims[0] ||
      bias.dataType !== kernel.dataType)
  )
    return undefined;
  const shape = intsAttribute(node, "kernel_shape");
  if (shape !== undefined && (shape.length !== 2 || shape[0] !== kernel.dims[2] || shape[1] !== kernel.dims[3]))
    return undefined;
  const stride = intsAttribute(node, "strides") ?? [1, 1];
  const dilation = intsAttribute(node, "dilations") ?? [1, 1];
  const groups = intAttribute(node, "group", 1);
  const pad = padding(node);
  if (!positive(stride, 2) || !positive(dilation, 2) || !positive([groups], 1) || pad === undefined) return undefined;
  const op: NeutralOp = {
    kind: "conv",
    kernel: floatRef(kernel),
    ...(bias === undefined ? {} : { bias: floatRef(bias) }),
    stride: stride as unknown as Pair,
    padding: pad,
    dilation: dilation as unknown as Pair,
    groups,
  };
  return { op, inputs: [x] };
}

function batchNorm(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  // Before opset 7 BatchNormalization had is_test / consumed_inputs; opset 7-8 `spatial`; 14+ training_mode.
  if (ctx.opset < 7 || node.output.filter((o) => o !== "").length !== 1 || node.output[0] === "") return undefined;
  if (intAttribute(node, "training_mode", 0) !== 0 || (ctx.opset < 9 && intAttribute(node, "spatial", 1) !== 1))
    return undefined;
  const [x, ...params] = node.input;
  const refs = params.map((p) => ctx.constants.get(p));
  if (x === undefined || ctx.constants.has(x) || refs.length !== 4) return undefined;
  const c = refs[0]?.dims[0];
  if (refs.some((r) => r === undefined || r.dims.length !== 1 || r.dims[0] !== c || !isFloatType(r.dataType)))
    return undefined;
  const eps = decimalOfFloat32(floatAttribute(node, "epsilon", 1e-5));
  if (!(eps >= 0 && Number.isFinite(eps))) return undefined;
  const [gamma, beta, mean, variance] = refs.map((r) => floatRef(r!)) as [ConstRef, ConstRef, ConstRef, ConstRef];
  return { op: { kind: "batchnorm", gamma, beta, mean, variance, eps }, inputs: [x] };
}

/**
 * [C] for a constant that broadcasts per channel of the data (NCHW: [C,1,1],
 * [1,C,1,1]; [N, C] data: [C], [1,C]), [1] for a scalar.
 */
function perChannel(c: OnnxConstant, dataRank: number | undefined): ConstRef | undefined {
  if (!isFloatType(c.dataType) || c.dims.length > 4) return undefined;
  if (c.dims.every((d) => d === 1)) return floatRef(c, [1]);
  const d = c.dims;
  const channels =
    dataRank === 2
      ? d.length === 1 || (d.length === 2 && d[0] === 1)
        ? d[d.length - 1]
        : undefined
      : d.length === 3 && d[1] === 1 && d[2] === 1
        ? d[0]
        : d.length === 4 && d[0] === 1 && d[2] === 1 && d[3] === 1
          ? d[1]
          : undefined;
  return channels === undefined ? undefined : floatRef(c, [channels]);
}

/** The constant's values, when they are small enough to be in memory already and none is zero: a divisor. */
function nonZero(c: OnnxConstant): boolean {
  try {
    return Array.from(c.read().values, Number).every((v) => v !== 0);
  } catch {
    return false;
  }
}

/** `ref` with each value mapped (in float64). */
const mapped = (ref: ConstRef, f: (v: number) => number): ConstRef => ({
  shape: ref.shape,
  values: async () => Float64Array.from(await ref.values(), f),
});

function arithmetic(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const data = node.input.filter((i) => !ctx.constants.has(i));
  if (node.output.length !== 1 || node.input.some((i) => i === "")) return undefined;
  if (node.opType === "Sum")
    return node.input.length >= 2 && data.length === node.input.length
      ? { op: { kind: "add" }, inputs: data }
      : undefined;
  if (node.input.length !== 2) return undefined;
  if (data.length === 2 && node.opType === "Add") return { op: { kind: "add" }, inputs: data };
  if (data.length === 2 && node.opType === "Sub") return { op: { kind: "sub" }, inputs: data };
  const k = node.input.find((i) => ctx.constants.has(i));
  const ref = data.length === 1 && k !== undefined ? perChannel(ctx.constants.get(k)!, ctx.rank(data[0]!)) : undefined;
  if (ref === undefined) return undefined;
  const constantFirst = node.input[0] === k;
  switch (node.opType) {
    case "Sub":
      // x - c is x + (-c); c - x is (-1) x + c: both exact.
      return constantFirst
        ? { op: { kind: "affine", scale: mapped(ref, () => -1), shift: ref }, inputs: data }
        : { op: { kind: "affine", shift: mapped(ref, (v) => -v) }, inputs: data };
    case "Div":
      // x / c as x * (1 / c), the reciprocal in float64 (one more rounding there, 2^-53 relative, before
      // the fused weights' single rounding); c / x is not linear, nor is a division by zero.
      if (constantFirst || !nonZero(ctx.constants.get(k!)!)) return undefined;
      return { op: { kind: "affine", scale: mapped(ref, (v) => 1 / v) }, inputs: data };
    case "Add":
      return { op: { kind: "affine", shift: ref }, inputs: data };
    default:
      return { op: { kind: "affine", scale: ref }, inputs: data };
  }
}

function pad(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const x = node.input[0];
  if (x === undefined || ctx.constants.has(x) || node.output.length !== 1) return undefined;
  const p = spatialConstantPad(node, ctx.constants, ctx.opset, ctx.rank(x));
  if (p === undefined) return undefined;
  // A zero Pad as core has always read it (no value); another constant carries its value (a frame between convs).
  return { op: { kind: "pad", pads: p.pads, ...(p.value === 0 ? {} : { value: p.value }) }, inputs: [x] };
}

function averagePool(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const x = node.input[0];
  if (x === undefined || node.input.length !== 1 || node.output.length !== 1 || ctx.constants.has(x)) return undefined;
  if (intAttribute(node, "count_include_pad", 0) !== 1 || intAttribute(node, "ceil_mode", 0) !== 0) return undefined;
  const size = intsAttribute(node, "kernel_shape");
  const stride = intsAttribute(node, "strides") ?? [1, 1];
  const dilations = intsAttribute(node, "dilations") ?? [1, 1];
  const pd = padding(node);
  if (!positive(size, 2) || !positive(stride, 2) || dilations.some((d) => d !== 1) || pd === undefined)
    return undefined;
  return {
    op: { kind: "avgpool", size: size as unknown as Pair, stride: stride as unknown as Pair, padding: pd },
    inputs: [x],
  };
}

/**
 * LeakyRelu (alpha, default 0.01) and PRelu with a constant slope: `other`
 * ops that carry their slopes, which core's matcher reads to say why convs
 * around one are not merged (see `NeutralOp` "other").
 */
function leakyRelu(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const x = node.input[0];
  if (x === undefined || ctx.constants.has(x) || node.output.length !== 1) return undefined;
  let slopes: number[];
  if (node.opType === "LeakyRelu") slopes = [decimalOfFloat32(floatAttribute(node, "alpha", 0.01))];
  else {
    const c = ctx.constants.get(node.input[1] ?? "");
    if (c === undefined || !isFloatType(c.dataType) || node.input.length !== 2) return undefined;
    try {
      slopes = Array.from(c.read().values, Number); // small: never left in the file
    } catch {
      return undefined;
    }
  }
  return { op: { kind: "other", activation: { op: node.opType, slopes } }, inputs: [x] };
}

/**
 * Reads an ONNX node as core's neutral op: Conv (2-D, constant weights),
 * BatchNormalization (inference form), Add/Sum of data (a sum), Sub of
 * two data inputs (a difference), Add/Mul/Sub/Div with one per-channel
 * constant (affine; x - c as x + (-c), c - x as -x + c, x / c as x (1/c)), Gemm / MatMul over [N, C] with
 * constant weights (a 1x1 conv marked `linear`), constant Pad of the spatial axes (its value when not 0),
 * AveragePool counting pads in floor mode; then, for what none of these
 * takes, the ops pre-BN sinking follows (`layoutOp`: Reshape, Transpose,
 * any zero Pad or AveragePool, a Linear on tokens and its bias). Anything
 * else, or any of these with attributes or inputs it does not understand, is
 * `other`; for those the caller lists the inputs.
 */
export function neutralOp(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  if (!isOnnxDomain(node)) return undefined;
  return blockOp(node, ctx) ?? layoutOp(node, ctx);
}

function blockOp(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  switch (node.opType) {
    case "Conv":
      return conv(node, ctx);
    case "BatchNormalization":
      return batchNorm(node, ctx);
    case "Add":
    case "Sum":
    case "Sub":
    case "Mul":
    case "Div":
      return arithmetic(node, ctx);
    case "Gemm":
    case "MatMul":
      return linearOp(node, ctx);
    case "Pad":
      return pad(node, ctx);
    case "AveragePool":
      return averagePool(node, ctx);
    case "LeakyRelu":
    case "PRelu":
      return leakyRelu(node, ctx);
    default:
      return undefined;
  }
}
