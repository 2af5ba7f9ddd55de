export { decodeModelJson } from "./codec/decode-model-json.js";
export { encodeModelJson } from "./codec/encode-model-json.js";
export { modelFormat } from "./codec/model-format.js";
export { kerasModel } from "./codec/keras-model.js";
export { checkWeightPath } from "./codec/check-weight-path.js";
export { decodeWeights } from "./codec/decode-weights.js";
export { encodeWeights } from "./write/encode-weights.js";
export { weightValues } from "./codec/weight-values.js";
export { weightByteLength, isTfjsDtype } from "./codec/weight-byte-length.js";
export { memoryFiles } from "./codec/tfjs-files.js";
export type { TfjsFiles } from "./codec/tfjs-files.js";
export type { TfjsWeight } from "./codec/tfjs-weight.js";
export type { EncodedWeights } from "./write/encode-weights.js";
export type { EncodableWeight, EncodeWeightsOptions, NewTfjsWeight } from "./write/encodable-weight.js";
export type { TfjsModelFormat, TfjsModelJson } from "./codec/model-json.js";
export type { TfjsDtype, WeightQuantization, WeightSpec, WeightsGroup, WeightsManifest } from "./codec/weights-manifest.js";
export type {
  KerasLayerJson,
  KerasModelConfigJson,
  KerasModelJson,
  KerasModelWrapperJson,
  LayersTopologyJson,
} from "./codec/layers-topology.js";
export type {
  AttrListJson,
  AttrValueJson,
  GraphDefJson,
  NodeDefJson,
  SignatureJson,
  TensorInfoJson,
  TensorJson,
  TensorShapeJson,
} from "./codec/graph-topology.js";
export type { TfjsErrorCode } from "./tfjs-error-code.js";

export { detectTfjs } from "./detect-tfjs.js";
export { tfjsAdapter } from "./tfjs-adapter.js";
export { decodeTfjsModel } from "./codec/decode-tfjs-model.js";
export { modelInputFiles } from "./codec/model-input-files.js";
export { findTfjsBlocks } from "./view/find-tfjs-blocks.js";
export type { TfjsBlockSite, TfjsCandidate } from "./view/find-tfjs-blocks.js";
export { rewriteTfjsModel } from "./write/rewrite-tfjs-model.js";
export type { RewriteOptions } from "./write/rewrite-tfjs-model.js";
export type { RewrittenWeight } from "./write/rewritten-weight.js";
export type { FusedTfjsWeight } from "./write/fused-tfjs-weight.js";
export type { TfjsFusion } from "./write/tfjs-fusion.js";
export type { TfjsModel } from "./codec/tfjs-model.js";
