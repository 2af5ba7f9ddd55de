/**
 * Prove a conversion on a real runtime: run the original and the converted
 * model side by side (GPU first, CPU fallback) and compare.
 *
 * @module @reparam/validate
 */
export { validateConversion } from "./validate-conversion.js";
export type { ValidateOptions } from "./validate-conversion.js";
export type { SampleReport, ValidationReport } from "./validation-report.js";
export { formatValidationReport, formatNumber } from "./format-validation-report.js";

export { verifyBlocks } from "./verify-blocks.js";
export type { BlockCheck, BlockCheckReport, VerifyBlocksOptions } from "./verify-blocks.js";
export { formatBlockCheckReport } from "./format-block-check-report.js";
export { blockCheckModel, blockModel, fusedConvModel } from "./block-model.js";
export type { SingleConv } from "./block-model.js";
export { magnitudeBlock, magnitudeConv } from "./magnitude-block.js";
export { BLOCK_BOUND_FACTOR, blockBound, gridAllowance, storageStep } from "./block-bound.js";

export { backendOrder } from "./backend-order.js";
export type { BackendChoice, BackendName, SkippedBackend } from "./backend-name.js";
export {
  DEFAULT_TOLERANCES,
  ELEMENTWISE_TOLERANCES,
  STORAGE_SCALE_FACTOR,
  isClose,
  resolveTolerances,
  storageTolerances,
} from "./tolerances.js";
export type { Tolerances } from "./tolerances.js";
export { compareTensors, describeRule, unravelIndex, RELATIVE_ERROR_FLOOR } from "./compare-tensors.js";
export type { NonFiniteCounts, OutputComparison, WorstElement } from "./compare-tensors.js";
export { errorStats, percentile } from "./error-stats.js";
export type { ErrorStats } from "./error-stats.js";
export { classifierAgreement } from "./classifier-agreement.js";
export type { ClassifierAgreement } from "./classifier-agreement.js";
export { measureLatency, latencyStats } from "./measure-latency.js";
export type { LatencyReport, LatencyStats } from "./measure-latency.js";

export type { NumericTensor, TensorSpec } from "./numeric-tensor.js";
export type { InputSource } from "./input-source.js";
export { makeSamples } from "./make-samples.js";
export type { Sample, SampleOptions } from "./make-samples.js";
export { decodeNpy, isNpy } from "./decode-npy.js";
export type { NpyArray } from "./decode-npy.js";
export { seededValues } from "./seeded-values.js";
export { DEFAULT_FREE_SIZE, resolveShape } from "./resolve-shape.js";
export type { DynamicDims, InputShapes } from "./resolve-shape.js";
export { FREE_SIZE_CANDIDATES } from "./choose-free-size.js";
export { randomInput } from "./random-input.js";
export { loadModelSource } from "./load-model-source.js";
export type { LoadedModel, ModelSource, TfjsModelFiles } from "./loaded-model.js";
export type { ModelSession, Runtime } from "./model-session.js";
export { runtimeFor } from "./runtime-for.js";
export { familyByShape, runtimeFamilies } from "./runtime-families.js";
export type { RuntimeFamily } from "./runtime-families.js";
export type { RuntimeFamilyName } from "./runtime-family-name.js";
export { isRuntimeFamilyName } from "./runtime-family-name.js";
export type { ValidateErrorCode } from "./validate-error-code.js";
export { RUNTIME_PACKAGES, installCommand } from "./runtime-packages.js";
export type { RuntimePackage } from "./runtime-packages.js";
