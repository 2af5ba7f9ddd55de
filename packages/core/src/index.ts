/**
 * Exact structural re-parameterization algebra: fold BatchNorm, merge parallel
 * conv branches into one conv.
 *
 * @module @reparam/core
 */
export { ReparamError, isReparamError } from "./contract/reparam-error.js";
export { bytesSource, collectSink } from "./contract/byte-source.js";
export { bufferPool } from "./shared/buffer-pool.js";
export type { BufferPool } from "./shared/buffer-pool.js";
export type { ByteSource, ByteSink } from "./contract/byte-source.js";
export { memoryInput, memoryOutput } from "./contract/memory-model-io.js";
export type { MemoryOutput } from "./contract/memory-model-io.js";

export { shapeSize } from "./block/kernel.js";
export type { Kernel, KernelShape } from "./block/kernel.js";
export { hwioToOihw, oihwToHwio, hwcmToOihw, oihwToHwcm } from "./numeric/layout.js";
export {
  widenFloat16,
  narrowFloat16,
  widenBFloat16,
  narrowBFloat16,
  widenFloat16Array,
  narrowFloat16Array,
} from "./numeric/float16.js";
export { narrowFloat16Fast, widenFloat16Fast, float16Values } from "./numeric/fast-float16.js";
export { quantizeAffine, AFFINE_MAX } from "./numeric/quantize-affine.js";
export { dequantizeAffine } from "./numeric/dequantize-affine.js";
export type { AffineDtype, AffineQuantized, AffineRange } from "./numeric/quantize-affine.js";

export { batchNormAffine } from "./block/batch-norm.js";
export type { BatchNorm } from "./block/batch-norm.js";
export { foldBatchNorm } from "./algebra/fold-batch-norm.js";
export { avgPoolKernel } from "./branch/avgpool/avg-pool-kernel.js";
export { composeChain } from "./branch/sequential/compose-chain.js";
export type { ChainStage, ComposedChain } from "./branch/sequential/compose-chain.js";

export type {
  Block,
  Branch,
  ConvBranch,
  SequentialBranch,
  ConvGeometry,
  FusedConv,
  Pads,
  Pair,
} from "./block/block.js";
export { planBlock } from "./block/plan-block.js";
export type { FusePlan } from "./block/fuse-plan.js";
export { fuseBlock, fuseWithPlan, fuseToFloat32 } from "./engine/fuse-block.js";
export { fuseTo } from "./engine/fuse-to.js";
export type { FusedArrays, FusedDtype, Fuser, FuseTarget } from "./engine/fuse-to.js";
export { FUSED_BYTES, fusedStorageIn } from "./engine/fused-storage.js";
export { blockRows } from "./engine/block-rows.js";
export type { FuseWindow } from "./engine/fuse-window.js";
export { hwioFusable } from "./engine/fuse-hwio.js";
export { setWasmKernels } from "./wasm/wasm-module.js";
export { wasmKernelsActive } from "./wasm/scale-kernels.js";
export { refusal } from "./block/refusal.js";
export type { Refusal, RefusalReason } from "./block/refusal.js";

export type {
  Candidate,
  ConvertOptions,
  Decision,
  EncodeStats,
  FormatAdapter,
  ModelInput,
  ModelOutput,
} from "./contract/adapter.js";
export type { ConversionReport, RequantizedTensor } from "./contract/report.js";
export type { FormatFacts } from "./contract/format-facts.js";
export { UNIT_ROUNDOFF } from "./contract/deploy-conv.js";
export type { DeployConv } from "./contract/deploy-conv.js";
export { decide, decideFor, reparameterize } from "./contract/reparameterize.js";
export { inspect } from "./contract/inspect.js";
export type { InspectedBlock, Inspection } from "./contract/inspect.js";
export type { CanWrite, Progress } from "./contract/reparameterize.js";

export { graphView } from "./graph/graph-view.js";
export type { ConstRef, GraphNodeView, GraphView, NeutralOp, Padding } from "./graph/graph-view.js";
export { effectivePads } from "./graph/same-pads.js";
export { matchBlocks, matchOptions } from "./graph/match-blocks.js";
export { familyPatterns } from "./graph/classify-family.js";
export type { FamilyPattern } from "./graph/classify-family.js";
export type { GraphBlockMatch } from "./graph/match-blocks.js";
export { findDeployConv, readDeployConv } from "./graph/find-deploy-conv.js";

export { decodeUtf8, decodeUtf8Strict, encodeUtf8, isWellFormed, compareCodePoints } from "./shared/utf8.js";
export { hostLittleEndian, swapBytes, littleEndianArray, littleEndianBytes } from "./shared/little-endian.js";
export type { TypedArrayConstructor } from "./shared/little-endian.js";
export { blockMatch } from "./shared/block-match.js";
export { blockNameMatch } from "./shared/block-name-match.js";
export { globMatch } from "./shared/glob-match.js";
export { relativePathProblem, checkRelativePath } from "./shared/relative-path.js";
export type { RelativePathError, RelativePathProblem, RelativePathRules } from "./shared/relative-path.js";
