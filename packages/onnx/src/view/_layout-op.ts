import type { ConstRef, NeutralOp } from "@reparam/core";
import type { NodeProto } from "onnx-buf";
import { intAttribute, intsAttribute, stringAttribute } from "../codec/_attributes.js";
import { isFloatType, type OnnxConstant } from "./_constant-table.js";
import { constantInts, reshapeDims } from "./_layout-dims.js";
import type { NodeReading, OpContext } from "./_op-context.js";
import { padAmounts } from "./_pad-amounts.js";

type LayoutOp = Extract<NeutralOp, { kind: "layout" }>["layout"];

const reading = (layout: LayoutOp, x: string): NodeReading => ({ op: { kind: "layout", layout }, inputs: [x] });

/** The data input of a one-output node whose other inputs (from `from` on) are constants, else undefined. */
function dataInput(node: NodeProto, ctx: OpContext, from = 1): string | undefined {
  const x = node.input[0];
  if (x === undefined || x === "" || node.output.length !== 1 || ctx.constants.has(x)) return undefined;
  return node.input.slice(from).every((i) => i === "" || ctx.constants.has(i)) ? x : undefined;
}

/** W [I, O] as the OIHW kernel [O, I, 1, 1] of a 1x1 conv (MatMul's weight transposed). */
function matmulKernel(w: OnnxConstant): ConstRef {
  const [i, o] = w.dims as [number, number];
  return {
    shape: [o, i, 1, 1],
    values: async () => {
      const v = await w.readFloats();
      const out = v instanceof Float64Array ? new Float64Array(v.length) : new Float32Array(v.length);
      for (let r = 0; r < i; r++) for (let c = 0; c < o; c++) out[c * i + r] = v[r * o + c]!;
      return out;
    },
  };
}

function reshape(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const x = dataInput(node, ctx);
  if (x === undefined || node.input.length !== 2) return undefined;
  const from = ctx.dims?.(x);
  const spec = constantInts(ctx.constants.get(node.input[1]!));
  const to = spec === undefined ? undefined : reshapeDims(node, from, spec);
  return reading({ op: "reshape", ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }, x);
}

function transpose(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const x = dataInput(node, ctx);
  const rank = x === undefined ? undefined : (ctx.dims?.(x)?.length ?? ctx.rank(x));
  const perm = intsAttribute(node, "perm") ?? (rank === undefined ? undefined : [...Array(rank).keys()].reverse());
  return x === undefined || perm === undefined ? undefined : reading({ op: "transpose", perm }, x);
}

function pad(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const x = dataInput(node, ctx);
  const rank = x === undefined ? undefined : (ctx.dims?.(x)?.length ?? ctx.rank(x));
  const a = padAmounts(node, ctx.constants, ctx.opset, rank);
  if (x === undefined || a === undefined || a.mode !== "constant" || !a.zeroFill) return undefined;
  if (rank !== undefined && a.pads.length !== 2 * rank) return undefined;
  return reading({ op: "pad", pads: a.pads }, x);
}

function averagePool(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const x = dataInput(node, ctx);
  const kernel = intsAttribute(node, "kernel_shape");
  if (x === undefined || node.input.length !== 1 || kernel === undefined) return undefined;
  const dilations = intsAttribute(node, "dilations");
  if (dilations?.some((d) => d !== 1)) return undefined;
  const auto = stringAttribute(node, "auto_pad", "NOTSET");
  if (auto !== "NOTSET" && auto !== "VALID") return undefined; // SAME pads depend on the size
  const pads = auto === "VALID" ? undefined : intsAttribute(node, "pads");
  return reading(
    {
      op: "avgpool",
      kernel,
      pads: pads ?? [...kernel, ...kernel].map(() => 0),
      countIncludePad: intAttribute(node, "count_include_pad", 0) === 1,
      ceil: intAttribute(node, "ceil_mode", 0) === 1,
    },
    x,
  );
}

/** MatMul(x, W) with a constant 2-D W over a data x of rank other than 2 (rank 2 is a Linear conv already). */
function matmul(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const x = dataInput(node, ctx);
  const w = node.input[1] === undefined ? undefined : ctx.constants.get(node.input[1]);
  if (x === undefined || node.input.length !== 2 || w === undefined || w.dims.length !== 2 || !isFloatType(w.dataType))
    return undefined;
  const rank = ctx.dims?.(x)?.length ?? ctx.rank(x);
  if (rank === 2 || (rank !== undefined && rank < 2)) return undefined;
  return reading({ op: "matmul", kernel: matmulKernel(w), ...(rank === undefined ? {} : { rank }) }, x);
}

/** Add of a data tensor and a 1-D float constant (either order): a bias over the last axis. */
function bias(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  if (node.input.length !== 2 || node.output.length !== 1) return undefined;
  const k = node.input.find((i) => ctx.constants.has(i));
  const x = node.input.find((i) => !ctx.constants.has(i));
  const c = k === undefined ? undefined : ctx.constants.get(k);
  if (x === undefined || x === "" || c === undefined || c.dims.length !== 1 || !isFloatType(c.dataType))
    return undefined;
  return reading({ op: "bias", shift: { shape: c.dims, values: async () => c.readFloats() } }, x);
}

/**
 * Reads the ops that pre-BN sinking follows and that no other reading
 * takes (core's `LayoutOp`): Reshape with a constant shape (its dims in and
 * out where known), Transpose, a constant zero Pad of any axes, AveragePool
 * of any rank (no dilation, no SAME), MatMul by a constant 2-D weight over a
 * tensor not known to be 2-D (a Linear on tokens) and Add of a 1-D constant
 * (its bias). Undefined for anything else.
 */
export function layoutOp(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  switch (node.opType) {
    case "Reshape":
      return reshape(node, ctx);
    case "Transpose":
      return transpose(node, ctx);
    case "Pad":
      return pad(node, ctx);
    case "AveragePool":
      return averagePool(node, ctx);
    case "MatMul":
      return matmul(node, ctx);
    case "Add":
      return bias(node, ctx);
    default:
      return undefined;
  }
}
