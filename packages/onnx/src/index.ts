/**
 * Find and fuse re-parameterizable blocks in ONNX graphs.
 *
 * @module @reparam/onnx
 */
export { decodeModel } from "./codec/decode-model.js";
export { encodeModel } from "./codec/encode-model.js";

export { dataTypeOf } from "./codec/onnx-dtype.js";
export { tensorValues } from "./codec/tensor-values.js";
export { makeTensor } from "./codec/make-tensor.js";

export { externalizeTensors } from "./write/externalize-tensors.js";

export { checkGraph } from "./view/check-graph.js";

export { onnxAdapter } from "./onnx-adapter.js";

export { buildModel } from "./codec/build-model.js";
export type { InitializerSpec, NodeSpec } from "./codec/build-model.js";
export { floatAttr, intAttr, intsAttr, stringAttr, tensorAttr } from "./codec/attribute-value.js";
export type { AttributeValue } from "./codec/attribute-value.js";

export { TensorProto_DataType } from "onnx-buf";
export type { ModelProto, TensorProto } from "onnx-buf";
