export { decodeModelJson } from "./decode-model-json.js";
export { encodeModelJson } from "./encode-model-json.js";
export { modelFormat } from "./model-format.js";
export { kerasModel } from "./keras-model.js";
export { checkWeightPath } from "./check-weight-path.js";
export { decodeWeights } from "./decode-weights.js";
export { encodeWeights } from "./encode-weights.js";
export { weightValues } from "./weight-values.js";
export { weightByteLength, isTfjsDtype } from "./weight-byte-length.js";
export { memoryFiles } from "./tfjs-files.js";
export type { TfjsFiles } from "./tfjs-files.js";
export type { TfjsWeight } from "./tfjs-weight.js";
export type { EncodedWeights } from "./encode-weights.js";
export type { EncodableWeight, EncodeWeightsOptions, NewTfjsWeight } from "./encodable-weight.js";
export type { TfjsModelFormat, TfjsModelJson } from "./model-json.js";
export type { TfjsDtype, WeightQuantization, WeightSpec, WeightsGroup, WeightsManifest } from "./weights-manifest.js";
export type {
  KerasLayerJson,
  KerasModelConfigJson,
  KerasModelJson,
  KerasModelWrapperJson,
  LayersTopologyJson,
} from "./layers-topology.js";
export type {
  AttrListJson,
  AttrValueJson,
  GraphDefJson,
  NodeDefJson,
  SignatureJson,
  TensorInfoJson,
  TensorJson,
  TensorShapeJson,
} from "./graph-topology.js";
export type { TfjsErrorCode } from "./tfjs-error-code.js";

export { detectTfjs } from "./detect-tfjs.js";
export { tfjsAdapter } from "./tfjs-adapter.js";
export { decodeTfjsModel } from "./decode-tfjs-model.js";
export { modelInputFiles } from "./model-input-files.js";
export { findTfjsBlocks } from "./find-tfjs-blocks.js";
export type { TfjsBlockSite, TfjsCandidate } from "./find-tfjs-blocks.js";
export { rewriteTfjsModel } from "./rewrite-tfjs-model.js";
export type { RewriteOptions } from "./rewrite-tfjs-model.js";
export type { RewrittenWeight } from "./rewritten-weight.js";
export type { FusedTfjsWeight } from "./fused-tfjs-weight.js";
export type { TfjsFusion } from "./tfjs-fusion.js";
export type { TfjsModel } from "./tfjs-model.js";
