import type { ConstRef, NeutralOp } from "@reparam/core";
import type { NodeProto } from "onnx-buf";
import { floatAttribute, intAttribute } from "../codec/_attributes.js";
import { isFloatType, type OnnxConstant } from "./_constant-table.js";
import type { NodeReading, OpContext } from "./_op-context.js";

/** W as an OIHW [O, I, 1, 1] kernel: Gemm's B with transB = 1 is [O, I] already; MatMul's and transB = 0 are [I, O]. */
function kernelRef(w: OnnxConstant, transposed: boolean): ConstRef {
  const [a, b] = w.dims as [number, number];
  const [o, i] = transposed ? [b, a] : [a, b];
  return {
    shape: [o, i, 1, 1],
    values: async () => {
      const v = await w.readFloats();
      if (!transposed) return v;
      const out = v instanceof Float64Array ? new Float64Array(v.length) : new Float32Array(v.length);
      for (let r = 0; r < i; r++) for (let c = 0; c < o; c++) out[c * i + r] = v[r * o + c]!;
      return out;
    },
  };
}

/** True when MatMul `node`'s only reader is an Add of a constant, as nn.Linear exports its bias (or nothing says what reads it). */
function ownBiasAdd(node: NodeProto, ctx: OpContext): boolean {
  const readers = ctx.readers?.(node.output[0]!);
  if (readers === undefined) return true;
  return readers.length === 1 && readers[0]!.opType === "Add" && readers[0]!.input.some((i) => ctx.constants.has(i));
}

/**
 * A fully connected layer over a rank-2 input [N, C] read as a 1x1 conv on a
 * 1x1 image (`linear`): MatMul(x, W) with a constant W [I, O], and Gemm(x, B,
 * C) with alpha = beta = 1, transA = 0, a constant B and a constant bias C of
 * [O] values. BatchNormalization over [N, C] normalizes axis 1 as it does
 * for images, so BN before or after folds as for a conv. A Linear without
 * a bias reads as having a bias of zeros (constants added after it fold into
 * it: one node less), except a MatMul whose only reader is an Add of a
 * constant: nn.Linear's own export, which core's `singleConvBlocks` leaves
 * as it is when nothing else follows.
 */
export function linearOp(node: NodeProto, ctx: OpContext): NodeReading | undefined {
  const [x, w, c = ""] = node.input;
  if (x === undefined || w === undefined || node.output.length !== 1 || ctx.constants.has(x)) return undefined;
  if (ctx.rank(x) !== 2) return undefined;
  const weight = ctx.constants.get(w);
  if (weight === undefined || weight.dims.length !== 2 || !isFloatType(weight.dataType)) return undefined;
  let transposed = true;
  let bias: OnnxConstant | undefined;
  if (node.opType === "Gemm") {
    if (node.input.length > 3 || floatAttribute(node, "alpha", 1) !== 1 || floatAttribute(node, "beta", 1) !== 1)
      return undefined;
    if (intAttribute(node, "transA", 0) !== 0) return undefined;
    transposed = intAttribute(node, "transB", 0) === 0;
    if (c !== "") {
      bias = ctx.constants.get(c);
      const o = transposed ? weight.dims[1] : weight.dims[0];
      if (bias === undefined || bias.dims.length !== 1 || bias.dims[0] !== o || bias.dataType !== weight.dataType)
        return undefined;
    }
  } else if (node.input.length !== 2) return undefined;
  const kernel = kernelRef(weight, transposed);
  const o = kernel.shape[0]!;
  const op: NeutralOp = {
    kind: "conv",
    kernel,
    ...(bias !== undefined
      ? { bias: { shape: bias.dims, values: async () => bias.readFloats() } }
      : node.opType === "Gemm" || !ownBiasAdd(node, ctx)
        ? { bias: { shape: [o], values: async () => new Float64Array(o) } }
        : {}),
    stride: [1, 1],
    padding: { kind: "explicit", pads: [0, 0, 0, 0] },
    dilation: [1, 1],
    groups: 1,
    linear: true,
  };
  return { op, inputs: [x] };
}
