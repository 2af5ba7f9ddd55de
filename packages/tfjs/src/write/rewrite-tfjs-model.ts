import type { FusedDtypeOption } from "./_fused-encoding.js";
import { fusedWeightMaker } from "./_fused-weights.js";
import { rewriteGraph } from "./_rewrite-graph.js";
import { rewriteLayers } from "./_rewrite-layers.js";
import type { TfjsModelJson } from "../codec/model-json.js";
import type { RewrittenWeight } from "./rewritten-weight.js";
import type { TfjsFusion } from "./tfjs-fusion.js";
import type { TfjsModel } from "../codec/tfjs-model.js";

/** Options of {@link rewriteTfjsModel}. */
export interface RewriteOptions {
  /**
   * Storage of the fused weights: `keep` (default) the encoding of the
   * weights each block read (float32, float16, or uint8/uint16 re-quantized
   * on a fresh grid), or forced float32 / float16-quantized float32.
   */
  readonly dtype?: FusedDtypeOption;
}

/**
 * The deploy form of a TF.js model, in memory: each fused block replaced by
 * one conv (layers: `Conv2D` / `DepthwiseConv2D`, maybe behind a
 * `ZeroPadding2D`; graph: `_FusedConv2D` / `FusedDepthwiseConv2dNative` with
 * BiasAdd), readers rewired, dead layers, nodes and weights removed. Every
 * other model.json field (`signature`, `userDefinedMetadata`,
 * `modelInitializer`, ...) is kept as it is; untouched weights keep their
 * exact bytes and quantization; fused weights are new weights in the
 * encoding `options.dtype` gives, whose values are computed only when
 * asked ({@link FusedTfjsWeight}), so that a writer can stream them one block
 * at a time. The input model is not changed.
 *
 * @param fusions - blocks from {@link findTfjsBlocks} of this model, with their fusion plans.
 * @returns `json` (its `weightsManifest` still the old one: replace it with
 *   the one the written shards have) and the weights in storage order.
 */
export function rewriteTfjsModel(
  model: TfjsModel,
  fusions: readonly TfjsFusion[],
  options: RewriteOptions = {},
): { json: TfjsModelJson; weights: RewrittenWeight[] } {
  const fused = fusedWeightMaker(options.dtype ?? "keep");
  const { topology, weights } =
    model.format === "layers-model" ? rewriteLayers(model, fusions, fused) : rewriteGraph(model, fusions, fused);
  return { json: { ...model.json, modelTopology: topology }, weights };
}
