export { decodeModel } from "./decode-model.js";
export { encodeModel } from "./encode-model.js";

export { dataTypeOf, dataTypeLabel, dtypeOf } from "./onnx-dtype.js";
export type { OnnxDType } from "./onnx-dtype.js";
export { elementCount, tensorByteLength } from "./tensor-byte-length.js";
export { tensorValues } from "./tensor-values.js";
export type { FloatDType, TensorValues } from "./tensor-values.js";
export { makeTensor } from "./make-tensor.js";

export type { ExternalDataFiles } from "./external-data-files.js";
export { checkExternalLocation } from "./check-external-location.js";
export { externalDataInfo } from "./external-data-info.js";
export type { ExternalDataInfo } from "./external-data-info.js";
export { readExternalData } from "./read-external-data.js";
export { internalizeTensors } from "./internalize-tensors.js";
export { externalizeTensors } from "./externalize-tensors.js";
export type { ExternalizeOptions, ExternalizeResult } from "./externalize-tensors.js";

export { checkGraph } from "./check-graph.js";
export { topologicalOrder } from "./topological-order.js";

export { detectOnnx } from "./detect-onnx.js";
export { onnxAdapter } from "./onnx-adapter.js";
export type { OnnxModel } from "./onnx-model.js";
export type { OnnxConvertOptions } from "./onnx-convert-options.js";
export { onnxGraphView } from "./onnx-graph-view.js";
export type { OnnxGraphView } from "./onnx-graph-view.js";
export type { OnnxConstant } from "./_constant-table.js";

export { buildModel } from "./build-model.js";
export type { InitializerSpec, ModelSpec, NodeSpec, ValueSpec } from "./build-model.js";
export type { TensorData } from "./tensor-data.js";
export { floatAttr, floatsAttr, intAttr, intsAttr, makeAttribute, stringAttr, stringsAttr, tensorAttr } from "./attribute-value.js";
export type { AttributeValue } from "./attribute-value.js";

export { AttributeProto_AttributeType, TensorProto_DataLocation, TensorProto_DataType } from "onnx-buf";
export type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from "onnx-buf";
export { findFields, varint, varintLength, wireFields } from "./wire-fields.js";
export type { WireField } from "./wire-fields.js";
