import type { KerasLayerJson } from "@reparam/tfjs";
import type { Arch } from "../arch/arch.js";
import * as k from "./_keras-layers.js";
import type { LazyWeight } from "./lazy-weight.js";
import { checkTfjsDbb } from "./_dbb-unsupported.js";
import { type TfjsPadding, TfjsLayersContext, layerName } from "./tfjs-layers-context.js";
import { avgLayers, sequentialLayers } from "./tfjs-layers-dbb.js";

export type { TfjsPadding } from "./tfjs-layers-context.js";

/** Layers (functional order) and weights (manifest order) of a TF.js layers model. */
export interface TfjsLayersGraph {
  readonly layers: KerasLayerJson[];
  readonly weights: LazyWeight[];
  /** Name of the output layer. */
  readonly output: string;
}

/**
 * The TF.js layers form of `arch` (NHWC), with the values of the PyTorch
 * state dict for `seed` (kernels OIHW -> HWIO, depthwise -> `[kh, kw, C, 1]`,
 * linear `[out, in]` -> `[in, out]`), layer names from module paths (dots
 * to underscores): per block, Conv2D/DepthwiseConv2D (no bias) ->
 * BatchNormalization branches, identity BN on the input, one Add, post-sum
 * BN, SE, Activation (`relu`, or `swish` for SiLU); then
 * GlobalAveragePooling2D and Dense.
 *
 * DBB blocks: see `sequentialLayers` and `avgLayers`.
 *
 * @throws ReparamError `MODELS_UNSUPPORTED` for grouped (not depthwise)
 *   convs: tfjs-layers' Conv2D has no `groups`; for grouped or depthwise
 *   DBB blocks and DBB with `same` padding (see `checkTfjsDbb`).
 */
export function tfjsLayersGraph(arch: Arch, seed: number, size: number, padding: TfjsPadding): TfjsLayersGraph {
  const ctx = new TfjsLayersContext(seed, arch.bnEps, padding);
  ctx.layers.push(k.inputLayer("input_1", [size, size, arch.inChannels]));
  let x = "input_1";
  for (const b of arch.blocks) {
    if (b.branches.some((br) => br.kind === "sequential" || br.kind === "avg")) checkTfjsDbb(b, "tfjs-layers", padding);
    const outs = b.branches.map((br) => {
      if (br.kind === "identity") return br.bn === undefined ? x : ctx.batchNorm(x, br.bn, b.inChannels);
      if (br.kind === "sequential") return sequentialLayers(ctx, x, b, br);
      if (br.kind === "avg") return avgLayers(ctx, x, b, br);
      const c = ctx.conv(x, b, br);
      return br.bn === undefined ? c : ctx.batchNorm(c, br.bn, b.outChannels);
    });
    const block = layerName(b.path);
    let y = outs[0]!;
    if (outs.length > 1) ctx.layers.push(k.merge("Add", (y = `${block}_add`), outs));
    if (b.postBn !== undefined) y = ctx.batchNorm(y, b.postBn, b.outChannels);
    if (b.se !== undefined) y = ctx.squeezeExcite(y, block, b.se);
    if (b.activation !== "none")
      ctx.layers.push(k.activation(`${block}_act`, y, b.activation === "silu" ? "swish" : "relu"));
    x = b.activation === "none" ? y : `${block}_act`;
  }
  if (arch.head !== undefined) x = ctx.head(x, arch.head.path, arch.head.inFeatures, arch.head.classes);
  return { layers: ctx.layers, weights: ctx.weights, output: x };
}
