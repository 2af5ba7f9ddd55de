import { fuseTo, planBlock, type GraphBlockMatch } from "@reparam/core";
import type { OnnxGraphView } from "./onnx-graph-view.js";

/**
 * The name of the quantized kernel a block reads (the output of its
 * `DequantizeLinear`) when fusing the block leaves that kernel exactly as
 * it is: one conv branch, whose kernel the fused conv equals value for
 * value (a bias `Add` or a shift-only affine folded into it). The fused conv
 * can then read the same integers through the same DequantizeLinear and
 * only its bias is new: the fold goes through the DQ exactly. Undefined
 * when the fused kernel differs anywhere (it would have to be re-quantized).
 */
export async function unchangedQuantizedKernel(g: OnnxGraphView, match: GraphBlockMatch): Promise<string | undefined> {
  const convs = match.nodes.filter((n) => n.op.kind === "conv");
  if (convs.length !== 1) return undefined;
  const name = g.nodes.get(convs[0]!.id)?.input[1];
  const c = name === undefined ? undefined : g.constants.get(name);
  if (name === undefined || c?.quantized === undefined) return undefined;
  const planned = match.candidate.plan ?? planBlock(match.candidate.layout);
  if (!planned.ok) return undefined;
  const { plan } = planned;
  if (plan.kernelShape.length !== c.dims.length || plan.kernelShape.some((d, i) => d !== c.dims[i])) return undefined;
  const block = await match.candidate.load();
  const fused = fuseTo(block, plan, { dtype: "f64" }).kernel;
  const stored = await c.load();
  if (stored.dtype === "int32" || stored.dtype === "int64") return undefined;
  for (let i = 0; i < fused.length; i++) if (fused[i] !== stored.values[i]) return undefined;
  return name;
}
