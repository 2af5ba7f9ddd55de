import {
  findDeployConv,
  readDeployConv,
  UNIT_ROUNDOFF,
  type Candidate,
  type DeployConv,
  type GraphView,
} from "@reparam/core";
import { graphModelView } from "./view/_graph-view.js";
import { layersView } from "./view/_layers-view.js";
import { unknownBlock } from "./write/_unknown-block.js";
import type { TfjsCandidate } from "./view/find-tfjs-blocks.js";
import type { TfjsModel } from "./codec/tfjs-model.js";
import type { TfjsWeight } from "./codec/tfjs-weight.js";

interface ModelView {
  readonly view: GraphView;
  /** The stored weight of a conv node's kernel. */
  kernelWeight(id: string): TfjsWeight | undefined;
  /** The stored weight of a conv node's bias, when it has one. */
  biasWeight(id: string): TfjsWeight | undefined;
}

function modelView(model: TfjsModel): ModelView {
  const byName = new Map(model.weights.map((w) => [w.name, w] as const));
  if (model.format === "layers-model") {
    const v = layersView(model);
    const weight = (id: string, k: number) => byName.get(v.weightsOf.get(id)?.[k] ?? "");
    return { view: v.view, kernelWeight: (id) => weight(id, 0), biasWeight: (id) => weight(id, 1) };
  }
  const g = graphModelView(model);
  const weight = (id: string, k: number) => g.index.constWeight(g.index.byName.get(id)?.input?.[k] ?? "");
  return { view: g.view, kernelWeight: (id) => weight(id, 1), biasWeight: (id) => weight(id, 2) };
}

// One view of each model, built on the first block asked for.
const views = new WeakMap<TfjsModel, ModelView>();
const viewOf = (m: TfjsModel): ModelView => views.get(m) ?? (views.set(m, modelView(m)), views.get(m)!);

/** Unit roundoff of a stored kernel: float32, or float16 where the manifest quantizes it so. */
function unitOf(w: TfjsWeight | undefined): number {
  return w?.quantization?.dtype === "float16" ? UNIT_ROUNDOFF.float16 : UNIT_ROUNDOFF.float32;
}

/** Half the grid step of an affine-quantized (uint8/uint16) weight: the most its stored values may be off; 0 otherwise. */
function halfStep(w: TfjsWeight | undefined): number {
  const q = w?.quantization;
  return q !== undefined && q.dtype !== "float16" ? (q.scale ?? 0) / 2 : 0;
}

/**
 * The conv that stands for `candidate` (found by `findBlocks` in
 * `original`) in `converted`: what the block's former readers now read (a
 * Conv2D layer, `_FusedConv2D` / `Conv2D` / depthwise node), reading the
 * block's input directly or through one zero padding; its kernel OIHW as
 * stored (dequantized), geometry from its attributes; `weightStep` half the
 * grid step of a uint8/uint16-quantized kernel or bias (re-quantized weights).
 */
export async function tfjsDeployConv(
  original: TfjsModel,
  converted: TfjsModel,
  candidate: Candidate,
): Promise<DeployConv | undefined> {
  const site = (candidate as Partial<TfjsCandidate>).site;
  if (site === undefined)
    throw unknownBlock(candidate, "a candidate without a TF.js site (not from tfjsAdapter.findBlocks)");
  const before = viewOf(original);
  const after = viewOf(converted);
  const found = findDeployConv(before.view, after.view, site);
  if (found === undefined) return undefined;
  // The size of what the conv reads: the padded tensor when a pad layer stands in front of it.
  const padded = after.view.producer(found.conv.inputs[0]!);
  const size =
    (padded?.op.kind === "pad" ? after.view.spatialSize(padded.outputs[0]!) : after.view.spatialSize(site.input)) ??
    candidate.layout.inputSize;
  const kernel = after.kernelWeight(found.conv.id);
  const conv = await readDeployConv(found, size, unitOf(kernel));
  const step = { kernel: halfStep(kernel), bias: halfStep(after.biasWeight(found.conv.id)) };
  return conv !== undefined && (step.kernel > 0 || step.bias > 0) ? { ...conv, weightStep: step } : conv;
}
