import type { NodeProto } from "onnx-buf";
import { planBinary, planCast } from "./_fold-arithmetic.js";
import { planConv } from "./_fold-conv.js";
import { planEinsum, planMatMul } from "./_fold-einsum.js";
import { planConstantOfShape, planExpand, planPad, planSlice } from "./_fold-extent.js";
import {
  planConcat,
  planGather,
  planReshape,
  planShape,
  planSqueeze,
  planTranspose,
  planUnsqueeze,
} from "./_fold-layout.js";
import type { FoldInput, FoldPlan, FoldPlanner } from "./_fold-tensor.js";

const PLANNERS: Readonly<Record<string, FoldPlanner>> = {
  Add: planBinary,
  Sub: planBinary,
  Mul: planBinary,
  Div: planBinary,
  Cast: planCast,
  Reshape: planReshape,
  Transpose: planTranspose,
  Squeeze: planSqueeze,
  Unsqueeze: planUnsqueeze,
  Concat: planConcat,
  Gather: planGather,
  Shape: planShape,
  Slice: planSlice,
  Pad: planPad,
  Expand: planExpand,
  ConstantOfShape: planConstantOfShape,
  Einsum: planEinsum,
  MatMul: planMatMul,
  Conv: planConv,
};

/** The ops the constant folder evaluates (Constant, Identity and DequantizeLinear are read by the constant table itself). */
export const FOLDED_OPS: readonly string[] = Object.keys(PLANNERS);

/**
 * Plans a node of the default domain whose inputs are all constant (absent
 * optional inputs undefined; Shape's input needs only its dims): undefined
 * for an op or form not folded, or one over the work limits.
 */
export function planFold(
  node: NodeProto,
  ins: readonly (FoldInput | undefined)[],
  opset: number,
): FoldPlan | undefined {
  const planner = PLANNERS[node.opType];
  return planner === undefined || node.output.length !== 1 ? undefined : planner(node, ins, opset);
}
