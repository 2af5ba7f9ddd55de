export type {
  AvgPoolBranchSpec,
  BlockSpec,
  BnSpec,
  BranchSpec,
  ConvBranchSpec,
  FamilyName,
  IdentityBranchSpec,
  KernelSpec,
  Pads4,
  SequentialBranchSpec,
  Shape4,
} from "./block-spec.js";
export type { ModelFiles, Nchw, SpelledModel, Spelling } from "./spelling.js";
export { generateBlock } from "./generate-block.js";
export { blockInput } from "./block-input.js";
export { Rng } from "./rng.js";
export { branchPads, padsAre, samePads1d } from "./same-pads.js";
export type { PadMode } from "./same-pads.js";
export { affineBn, bnAffine, magnitudeSpec, mapSpec } from "./map-spec.js";
export type { SpecMapper } from "./map-spec.js";
export { evaluateBlock, referenceOf } from "./reference.js";
export type { Reference } from "./reference.js";
export { UNIT, checkOutput, elementBound, productsPerOutput, tinyTerm } from "./bound.js";
export type { OutputCheck } from "./bound.js";
export { roundArray, roundValue, unitOf } from "./round-values.js";
export type { StorageDtype } from "./round-values.js";
export { fitsFloat16 } from "./fits-float16.js";
export { hasFusion } from "./has-fusion.js";
export { convertModel } from "./convert-model.js";
export { checkCase, runCase } from "./run-case.js";
export type { CaseCheck, Outcome } from "./run-case.js";
export { emptyCounts, fuzzBlocks } from "./fuzz-blocks.js";
export type { CaseResult, Counts, FuzzOptions, FuzzSummary } from "./fuzz-blocks.js";
export { countsLine, formatSummary, mismatchLine, reproduce } from "./format-summary.js";
export { allSpellings } from "./spellings.js";
export { onnxSpellings } from "./onnx/onnx-spellings.js";
export { safetensorsSpellings } from "./safetensors/safetensors-spellings.js";
