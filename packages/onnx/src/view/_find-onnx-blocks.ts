import {
  matchBlocks,
  matchOptions,
  refusal,
  type Candidate,
  type ConvertOptions,
  type GraphBlockMatch,
  type Refusal,
} from "@reparam/core";
import { initializersAsInputs } from "../onnx-convert-options.js";
import { onnxGraphView, quantizedWeights, weightInputs } from "./onnx-graph-view.js";
import { unchangedQuantizedKernel } from "./_unchanged-quantized-kernel.js";
import type { OnnxModel } from "../codec/onnx-model.js";

function runTimeWeights(inputs: readonly string[]): string {
  const some =
    inputs
      .slice(0, 3)
      .map((n) => `'${n}'`)
      .join(", ") + (inputs.length > 3 ? ` and ${inputs.length - 3} more` : "");
  return `its weights ${some} are also graph inputs, which a caller may replace at run time, and initializersAsInputs is 'inputs' (CLI --keep-weight-inputs); convert without it to fuse them as constants`;
}

function quantizedWeightsReason(names: readonly string[]): string {
  const some = names
    .slice(0, 3)
    .map((n) => `'${n}'`)
    .join(", ");
  return `its weights ${some}${names.length > 3 ? ` and ${names.length - 3} more` : ""} are stored quantized (integers behind DequantizeLinear); the fused kernel is not on their grid, and writing it in float would dequantize the model`;
}

/**
 * The ONNX adapter's findBlocks: core's matcher on {@link onnxGraphView},
 * the matches kept in `model.blocks` for encode. Initializers that are also
 * graph inputs read as weights; with `initializersAsInputs: 'inputs'` every
 * block that reads one is refused (`NON_CONSTANT_WEIGHTS`, naming them)
 * instead, so that none is left silently. A block whose weights are
 * integers behind `DequantizeLinear` (a QDQ model) is fused through the
 * DequantizeLinear when that is exact (the fusion leaves its one kernel as
 * it is: the fused conv reads the same integers, only its bias is new),
 * else refused (`FORMAT_UNSUPPORTED`, naming them): the model is never
 * dequantized. A block refused so takes the other blocks of its group
 * (`Candidate.group`, a BatchNorm folded into several) with it.
 */
export async function findOnnxBlocks(
  model: OnnxModel,
  options: ConvertOptions,
): Promise<{ candidates: Candidate[]; refused: Refusal[] }> {
  const asInputs = initializersAsInputs(options) === "inputs";
  const graph = onnxGraphView(model.proto);
  // The writer removes a group's bypassed BatchNorms (applyFusions): pre-BN sinking is on.
  const { matches, refused } = await matchBlocks(graph.view, { bypass: true, ...matchOptions(options) });
  model.blocks.clear();
  const refusedGroups = new Map<string, Refusal>();
  const refuse = (match: GraphBlockMatch, r: Refusal) => {
    refused.push(r);
    if (match.candidate.group !== undefined && !refusedGroups.has(match.candidate.group))
      refusedGroups.set(match.candidate.group, r);
  };
  for (const match of matches) {
    const inputs = asInputs ? weightInputs(graph, match.nodes) : [];
    const quantized = quantizedWeights(graph, match.nodes);
    if (inputs.length > 0) refuse(match, refusal(match.candidate.name, "NON_CONSTANT_WEIGHTS", runTimeWeights(inputs)));
    else if (quantized.length > 0) {
      const keptKernel = await unchangedQuantizedKernel(graph, match);
      if (keptKernel !== undefined) model.blocks.set(match.candidate, { match, graph, keptKernel });
      else refuse(match, refusal(match.candidate.name, "FORMAT_UNSUPPORTED", quantizedWeightsReason(quantized)));
    } else model.blocks.set(match.candidate, { match, graph });
  }
  // A group fuses whole or not at all (its BatchNorms go only when every member absorbed them): a member refused
  // here takes the others of its group with it.
  for (const c of [...model.blocks.keys()]) {
    const r = c.group === undefined ? undefined : refusedGroups.get(c.group);
    if (r === undefined) continue;
    model.blocks.delete(c);
    const why = `another block of its group (one BatchNorm folded into all of them), '${r.block}', is refused: ${r.message}`;
    refused.push(refusal(c.name, r.reason, why, c.id));
  }
  return { candidates: [...model.blocks.keys()], refused };
}
