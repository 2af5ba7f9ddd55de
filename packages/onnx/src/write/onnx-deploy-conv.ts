import { findDeployConv, readDeployConv, UNIT_ROUNDOFF, type Candidate, type DeployConv } from "@reparam/core";
import { TensorProto_DataType as DT } from "onnx-buf";
import { onnxGraphView, type OnnxGraphView } from "../view/onnx-graph-view.js";
import type { OnnxModel } from "../codec/onnx-model.js";
import { storedType } from "./_stored-type.js";
import { tokenDeployConv } from "./_token-linear.js";
import { unknownBlock } from "./_unknown-block.js";

const UNIT: Partial<Record<number, number>> = {
  [DT.FLOAT]: UNIT_ROUNDOFF.float32,
  [DT.FLOAT16]: UNIT_ROUNDOFF.float16,
  [DT.BFLOAT16]: UNIT_ROUNDOFF.bfloat16,
  [DT.DOUBLE]: UNIT_ROUNDOFF.float64,
};

// One view per converted model, built on the first block asked for.
const views = new WeakMap<OnnxModel, OnnxGraphView>();

/**
 * The Conv that stands for `candidate` (found by `findBlocks` in
 * `original`) in `converted`: the producer of the block's output tensor
 * (its name is kept), reading the block's input; its weights as stored,
 * its geometry from its attributes (SAME resolved at the input's size);
 * for a Linear on tokens, its MatMul + Add read as that conv.
 */
export async function onnxDeployConv(
  original: OnnxModel,
  converted: OnnxModel,
  candidate: Candidate,
): Promise<DeployConv | undefined> {
  const entry = original.blocks.get(candidate);
  if (entry === undefined) throw unknownBlock(candidate);
  let graph = views.get(converted);
  if (graph === undefined) views.set(converted, (graph = onnxGraphView(converted.proto)));
  const found = findDeployConv(entry.graph.view, graph.view, entry.match) ?? tokenDeployConv(graph.view, entry.match);
  if (found === undefined) return undefined;
  const weight = graph.nodes.get(found.conv.id)?.input[1];
  const c = weight === undefined ? undefined : graph.constants.get(weight);
  // Weights stored float16 behind a Cast are rounded to float16: their unit is float16's.
  const dataType = c === undefined ? undefined : storedType(c, graph.constants);
  const size = graph.view.spatialSize(entry.match.input) ?? candidate.layout.inputSize;
  return readDeployConv(found, size, (dataType === undefined ? undefined : UNIT[dataType]) ?? UNIT_ROUNDOFF.float32);
}
