export { decodeModel } from "./codec/decode-model.js";
export { encodeModel } from "./codec/encode-model.js";

export { dataTypeOf, dataTypeLabel, dtypeOf } from "./codec/onnx-dtype.js";
export type { OnnxDType } from "./codec/onnx-dtype.js";
export { elementCount, tensorByteLength } from "./codec/tensor-byte-length.js";
export { tensorValues } from "./codec/tensor-values.js";
export type { FloatDType, TensorValues } from "./codec/tensor-values.js";
export { makeTensor } from "./codec/make-tensor.js";

export type { ExternalDataFiles } from "./codec/external-data-files.js";
export { checkExternalLocation } from "./codec/check-external-location.js";
export { externalDataInfo } from "./codec/external-data-info.js";
export type { ExternalDataInfo } from "./codec/external-data-info.js";
export { readExternalData } from "./codec/read-external-data.js";
export { internalizeTensors } from "./codec/internalize-tensors.js";
export { externalizeTensors } from "./write/externalize-tensors.js";
export type { ExternalizeOptions, ExternalizeResult } from "./write/externalize-tensors.js";

export { checkGraph } from "./view/check-graph.js";
export { topologicalOrder } from "./view/topological-order.js";

export { detectOnnx } from "./detect-onnx.js";
export { onnxAdapter } from "./onnx-adapter.js";
export type { OnnxModel } from "./codec/onnx-model.js";
export type { OnnxConvertOptions } from "./onnx-convert-options.js";
export { onnxGraphView } from "./view/onnx-graph-view.js";
export type { OnnxGraphView } from "./view/onnx-graph-view.js";
export type { OnnxConstant } from "./view/_constant-table.js";

export { buildModel } from "./codec/build-model.js";
export type { InitializerSpec, ModelSpec, NodeSpec, ValueSpec } from "./codec/build-model.js";
export type { TensorData } from "./codec/tensor-data.js";
export { floatAttr, floatsAttr, intAttr, intsAttr, makeAttribute, stringAttr, stringsAttr, tensorAttr } from "./codec/attribute-value.js";
export type { AttributeValue } from "./codec/attribute-value.js";

export { AttributeProto_AttributeType, TensorProto_DataLocation, TensorProto_DataType } from "onnx-buf";
export type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from "onnx-buf";
export { findFields, varint, varintLength, wireFields } from "./codec/wire-fields.js";
export type { WireField } from "./codec/wire-fields.js";
