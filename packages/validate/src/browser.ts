/**
 * The browser-safe part of `@reparam/validate` (`@reparam/validate/browser`):
 * every module reachable from here is free of Node APIs and of
 * onnxruntime-node, so a web page can bundle it. It has the pieces a page
 * needs to run the same checks as `verifyBlocks` and `validateConversion`
 * with runtimes of its own (onnxruntime-web, TF.js): the block-check model,
 * magnitudes and bound, the tensor comparison, seeded values, and the report
 * formatters. The Node entry (`@reparam/validate`) stays as it is.
 *
 * @module @reparam/validate/browser
 */
export { compareTensors, describeRule } from "./compare-tensors.js";
export type { OutputComparison } from "./compare-tensors.js";
export { BLOCK_CHECK_OUTPUTS, blockCheckModel } from "./block-model.js";
export type { SingleConv } from "./block-model.js";
export { magnitudeBlock, magnitudeConv } from "./magnitude-block.js";
export { blockBound } from "./block-bound.js";
export { DEFAULT_TOLERANCES, resolveTolerances } from "./tolerances.js";
export type { Tolerances } from "./tolerances.js";
export { seededValues } from "./seeded-values.js";
export { resolveShape } from "./resolve-shape.js";
export { condenseReason } from "./condense-reason.js";
export { ortSession } from "./_ort-session.js";
export type { OrtApi } from "./_ort-session.js";
export { formatValidationReport, formatNumber } from "./format-validation-report.js";
export { formatBlockCheckReport } from "./format-block-check-report.js";
export { notFusedCheck } from "./not-fused-check.js";
export { tfjsSession } from "./tfjs-session.js";
export type { SampleReport, ValidationReport } from "./validation-report.js";
export type { BlockCheck, BlockCheckReport } from "./verify-blocks.js";
export type { BackendChoice, BackendName, SkippedBackend } from "./backend-name.js";
export type { ModelSession } from "./model-session.js";
export type { NumericTensor, TensorSpec } from "./numeric-tensor.js";
