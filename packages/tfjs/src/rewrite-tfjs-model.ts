import { rewriteGraph } from "./_rewrite-graph.js";
import { rewriteLayers } from "./_rewrite-layers.js";
import type { EncodableWeight } from "./encode-weights.js";
import type { TfjsModelJson } from "./model-json.js";
import type { TfjsFusion } from "./tfjs-fusion.js";
import type { TfjsModel } from "./tfjs-model.js";

/** Options of {@link rewriteTfjsModel}. */
export interface RewriteOptions {
  /** Storage of the fused weights: float32 (default), or float32 quantized to float16. */
  readonly dtype?: "f32" | "f16";
}

/**
 * The deploy form of a TF.js model, in memory: each fused block replaced by
 * one conv (layers: `Conv2D` / `DepthwiseConv2D`, maybe behind a
 * `ZeroPadding2D`; graph: `_FusedConv2D` / `FusedDepthwiseConv2dNative` with
 * BiasAdd), readers rewired, dead layers, nodes and weights removed. Every
 * other model.json field (`signature`, `userDefinedMetadata`,
 * `modelInitializer`, ...) is kept as it is; untouched weights keep their
 * exact bytes and quantization; fused weights are new float32 values (or
 * float16-quantized with `dtype: "f16"`). The input model is not changed.
 *
 * @param fusions - blocks from {@link findTfjsBlocks} of this model, with their fused convs.
 * @returns `json` (its `weightsManifest` still the old one: replace it with
 *   the one {@link encodeWeights} makes from `weights`) and the weights in order.
 */
export function rewriteTfjsModel(
  model: TfjsModel,
  fusions: readonly TfjsFusion[],
  options: RewriteOptions = {},
): { json: TfjsModelJson; weights: EncodableWeight[] } {
  const { topology, weights } = model.format === "layers-model" ? rewriteLayers(model, fusions, options) : rewriteGraph(model, fusions, options);
  return { json: { ...model.json, modelTopology: topology }, weights };
}
