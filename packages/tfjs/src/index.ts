/**
 * Re-parameterize TF.js layers and graph models.
 *
 * @module @reparam/tfjs
 */
export { decodeModelJson } from "./codec/decode-model-json.js";
export { encodeModelJson } from "./codec/encode-model-json.js";
export { kerasModel } from "./codec/keras-model.js";
export { decodeWeights } from "./codec/decode-weights.js";
export { encodeWeights } from "./write/encode-weights.js";
export { weightValues } from "./codec/weight-values.js";
export { memoryFiles } from "./codec/tfjs-files.js";
export type { TfjsWeight } from "./codec/tfjs-weight.js";
export type { EncodableWeight } from "./write/encodable-weight.js";
export type { TfjsModelJson } from "./codec/model-json.js";
export type { WeightsGroup } from "./codec/weights-manifest.js";
export type { KerasLayerJson } from "./codec/layers-topology.js";
export type { AttrValueJson, GraphDefJson, NodeDefJson } from "./codec/graph-topology.js";

export { tfjsAdapter } from "./tfjs-adapter.js";
