import type { Spelling } from "../spelling.js";
import { graphSpelling } from "./graph-spelling.js";
import { layersSpelling } from "./layers-spelling.js";

/**
 * Every TF.js spelling of a block, converted by `tfjsAdapter`.
 *
 * Layers models (Keras JSON; tfjs-layers has no grouped Conv2D, depthwise
 * blocks use DepthwiseConv2D): ZeroPadding2D + `valid`; `same` (stride 1
 * and 2, where TF's SAME pads are the spec's); the weights quantized
 * uint8 / uint16 / float16; small odd-sized shards; one ZeroPadding2D
 * shared by the branches that pad alike.
 *
 * Graph models (GraphDef JSON as tfjs-converter writes it): `_FusedConv2D`
 * with the BN folded, standalone BNs as FusedBatchNormV3 or Mul + AddV2,
 * `Conv2D` + FusedBatchNormV3 unfolded, `Conv2D` + `BiasAdd`; padding by
 * `Pad` + VALID (one per branch, or shared), EXPLICIT or SAME (stride 2
 * included); uint8 weights.
 */
export const tfjsSpellings: readonly Spelling[] = [
  layersSpelling("zero-pad", { padding: "zero-pad", storage: "float32" }),
  layersSpelling("same", { padding: "same", storage: "float32" }),
  layersSpelling("uint8", { padding: "zero-pad", storage: "uint8" }),
  layersSpelling("uint16", { padding: "zero-pad", storage: "uint16" }),
  layersSpelling("float16", { padding: "zero-pad", storage: "float16" }),
  layersSpelling("sharded", { padding: "zero-pad", storage: "float32", shards: "small" }),
  layersSpelling("shared-zero-pad", { padding: "zero-pad", storage: "float32", sharePads: true }),
  graphSpelling("fused-conv", { conv: "fused", bn: "fbn", padding: "converter", storage: "float32" }),
  graphSpelling("fused-conv-mul-add", { conv: "fused", bn: "muladd", padding: "pad", storage: "float32" }),
  graphSpelling("fused-conv-same", { conv: "fused", bn: "muladd", padding: "same", storage: "float32" }),
  graphSpelling("conv-fbn-explicit", { conv: "raw", bn: "fbn", padding: "explicit", storage: "float32" }),
  graphSpelling("conv-mul-add", { conv: "raw", bn: "muladd", padding: "converter", storage: "float32" }),
  graphSpelling("conv-biasadd", { conv: "biasadd", bn: "fbn", padding: "explicit", storage: "float32" }),
  graphSpelling("fused-conv-uint8", { conv: "fused", bn: "muladd", padding: "converter", storage: "uint8" }),
  graphSpelling("shared-pad", { conv: "fused", bn: "fbn", padding: "pad", storage: "float32", sharePads: true }),
];
