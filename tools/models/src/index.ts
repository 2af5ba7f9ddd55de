export type {
  Activation,
  Arch,
  ArchBlock,
  ArchFamily,
  AvgBranch,
  Branch,
  ConvBranch,
  IdentityBranch,
  LinearHead,
  SequentialBranch,
  SqueezeExcite,
} from "./arch/arch.js";
export { ARCHITECTURE_NAMES, architecture } from "./arch/architectures.js";
export type { ArchOptions } from "./arch/architectures.js";
export { REPVGG_VARIANTS, repvggArch } from "./arch/repvgg.js";
export type { RepvggOptions, RepvggVariant } from "./arch/repvgg.js";
export { MOBILEONE_VARIANTS, mobileOneArch } from "./arch/mobileone.js";
export type { MobileOneOptions, MobileOneVariant } from "./arch/mobileone.js";
export { acBlock, acnetArch } from "./arch/acnet.js";
export type { AcnetOptions } from "./arch/acnet.js";
export { yolov7RepconvArch } from "./arch/yolov7-repconv.js";
export type { Yolov7RepconvOptions } from "./arch/yolov7-repconv.js";
export { DBB_VARIANTS, dbbArch } from "./arch/dbb.js";
export type { DbbOptions, DbbVariant } from "./arch/dbb.js";
export { bnAndPadBn, dbbBlock } from "./arch/dbb-block.js";
export type { DbbBlockOptions } from "./arch/dbb-block.js";
export { repBlock } from "./arch/rep-block.js";
export type { RepBlockOptions } from "./arch/rep-block.js";
export { deployArch } from "./arch/deploy-arch.js";
export { outputShape } from "./arch/output-shape.js";
export { paramCount, paramCounts } from "./arch/param-count.js";
export type { ParamCountOptions } from "./arch/param-count.js";

export { seededRandom } from "./weights/seeded-random.js";
export type { SeededRandom } from "./weights/seeded-random.js";
export type { TensorInit, TensorSpec } from "./weights/tensor-spec.js";
export {
  BN_KEYS,
  avgTensors,
  bnTensors,
  convTensors,
  linearTensors,
  sequentialTensors,
  stateDictTensors,
} from "./weights/state-dict-tensors.js";
export { identityBasedKernel } from "./weights/identity-based-kernel.js";
export { floatValues, tensorValues, valueBytes } from "./weights/tensor-values.js";

export { emitSafetensors } from "./emit/emit-safetensors.js";
export type { EmitSafetensorsOptions } from "./emit/emit-safetensors.js";
export { ONNX_OPSET, emitOnnx, onnxModel, onnxParts } from "./emit/emit-onnx.js";
export type { EmitOnnxOptions } from "./emit/emit-onnx.js";
export { onnxGraph } from "./emit/onnx-graph.js";
export type { OnnxGraph, OnnxVariant } from "./emit/onnx-graph.js";
export { encodeOnnxStream } from "./emit/encode-onnx-stream.js";
export type { LazyTensor } from "./emit/lazy-tensor.js";
export { emitTfjsLayers } from "./emit/emit-tfjs-layers.js";
export {
  activation as kerasActivation,
  averagePooling as kerasAveragePooling,
  batchNorm as kerasBatchNorm,
  conv2d as kerasConv2d,
  depthwiseConv2d as kerasDepthwiseConv2d,
  inputLayer as kerasInputLayer,
  merge as kerasMerge,
  zeroPadding2d as kerasZeroPadding,
} from "./emit/_keras-layers.js";
export type { ConvLayerOptions as KerasConvOptions } from "./emit/_keras-layers.js";
export type { EmitTfjsLayersOptions } from "./emit/emit-tfjs-layers.js";
export { tfjsLayersGraph } from "./emit/tfjs-layers-graph.js";
export type { TfjsLayersGraph } from "./emit/tfjs-layers-graph.js";
export { emitTfjsGraph } from "./emit/emit-tfjs-graph.js";
export type { EmitTfjsGraphOptions } from "./emit/emit-tfjs-graph.js";
export { tfjsGraph } from "./emit/tfjs-graph.js";
export type { TfjsGraph } from "./emit/tfjs-graph.js";
export type { TfjsPadding } from "./emit/tfjs-layers-context.js";
export { writeTfjsShards } from "./emit/write-tfjs-shards.js";
export type { OpenFile, WriteTfjsShardsOptions } from "./emit/write-tfjs-shards.js";
export type { LazyWeight } from "./emit/lazy-weight.js";
export { fileSink } from "./emit/file-sink.js";
export type { FileSink } from "./emit/file-sink.js";
export { MODEL_FORMATS, generateModel } from "./generate-model.js";
export type { GenerateOptions, ModelFormat } from "./generate-model.js";
