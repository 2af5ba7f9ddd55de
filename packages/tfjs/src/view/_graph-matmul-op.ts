import type { ConstRef, NeutralOp } from "@reparam/core";
import { attrBool, biasOnlyFusedOps } from "../codec/_graph-attr.js";
import type { NodeDefJson } from "../codec/graph-topology.js";
import { isDenseKernel, linearConvOp } from "./_dense-kernel.js";
import type { GraphIndex } from "./_graph-index.js";
import { isChannelWeight, weightConst } from "./_weight-const.js";

/** The ops read as a Linear: `MatMul`, and `_FusedMatMul` with fused_ops exactly `[BiasAdd]`. */
export const MATMULS = new Set(["MatMul", "_FusedMatMul"]);

/**
 * A `MatMul` / `_FusedMatMul` (BiasAdd) of the data by a constant kernel
 * `[in, out]`, as a 1x1 conv (stride 1, no pads, groups 1; see
 * {@link denseKernelConst}); undefined (not linear, or not readable as a
 * conv) when the data is not the first input, either side is transposed,
 * or a fused op other than BiasAdd is there.
 */
export function matMulOp(
  node: NodeDefJson,
  inputs: readonly string[],
  data: readonly string[],
  index: GraphIndex,
): NeutralOp | undefined {
  if (data.length !== 1 || inputs[0] !== data[0]) return undefined;
  if (attrBool(node, "transpose_a") === true || attrBool(node, "transpose_b") === true) return undefined;
  const ops = biasOnlyFusedOps(node, node.op === "_FusedMatMul");
  if (ops === undefined) return undefined;
  if (inputs.length !== 2 + ops.length) return undefined;
  const kernel = index.constWeight(inputs[1]!);
  if (!isDenseKernel(kernel)) return undefined;
  let bias: ConstRef | undefined;
  if (ops.length === 1) {
    const b = index.constWeight(inputs[2]!);
    if (!isChannelWeight(b) || b.shape.length !== 1 || b.shape[0] !== kernel.shape[1]) return undefined;
    bias = weightConst(b, "flat");
  }
  return linearConvOp(kernel, bias);
}
