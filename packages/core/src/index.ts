export { ReparamError, isReparamError } from "./reparam-error.js";
export type { ReparamErrorDetails } from "./reparam-error.js";
export { bytesSource, collectSink } from "./byte-source.js";
export type { ByteSource, ByteSink } from "./byte-source.js";
export { memoryInput, memoryOutput } from "./memory-model-io.js";
export type { MemoryOutput } from "./memory-model-io.js";

export { shapeSize, toKernel64, zeroKernel } from "./kernel.js";
export type { Kernel, Kernel64, KernelShape } from "./kernel.js";
export { hwioToOihw, oihwToHwio, hwcmToOihw, oihwToHwcm } from "./layout.js";
export {
  FLOAT16,
  BFLOAT16,
  widenFloat16,
  narrowFloat16,
  widenBFloat16,
  narrowBFloat16,
  widenFloat16Array,
  narrowFloat16Array,
  widenBFloat16Array,
  narrowBFloat16Array,
} from "./float16.js";
export { roundToFormat, widenFromFormat } from "./round-to-format.js";
export type { BinaryFormat } from "./round-to-format.js";

export { batchNormAffine } from "./batch-norm.js";
export type { BatchNorm, ChannelAffine } from "./batch-norm.js";
export { foldBatchNorm } from "./fold-batch-norm.js";
export type { KernelBias } from "./fold-batch-norm.js";
export { foldPostBatchNorm } from "./fold-post-batch-norm.js";
export { placeKernel } from "./place-kernel.js";
export { identityKernel } from "./identity-kernel.js";
export { avgPoolKernel } from "./avg-pool-kernel.js";
export { expandGroups } from "./expand-groups.js";
export { composeSequential } from "./compose-sequential.js";
export { sumBranches } from "./sum-branches.js";
export type { PlacedBranch } from "./sum-branches.js";

export type { Block, Branch, ConvBranch, IdentityBranch, SequentialBranch, AvgPoolBranch, ConvGeometry, FusedConv, Pads, Pair } from "./block.js";
export { blockGeometry } from "./block-geometry.js";
export type { BlockGeometry, Placement } from "./block-geometry.js";
export { planBlock, branchOutChannels } from "./plan-block.js";
export type { FusePlan, PlanResult } from "./plan-block.js";
export { fuseBlock, fuseWithPlan, fuseToFloat32 } from "./fuse-block.js";
export { fuseTo } from "./fuse-to.js";
export type { FuseTarget, FusedArrays, FusedDtype } from "./fuse-to.js";
export type { FusedStorage } from "./finite-guard.js";
export { fuseChannels } from "./fuse-channels.js";
export { fuseInto } from "./fuse-into.js";
export type { FuseWindow } from "./fuse-window.js";
export { fuseIntoHwio, hwioFusable } from "./fuse-hwio.js";
export type { ChannelSink } from "./fuse-channels.js";
export type { FuseResult } from "./fuse-block.js";
export { branchKernel, foldConvBranch } from "./branch-kernel.js";
export { refusal } from "./refusal.js";
export type { Refusal, RefusalReason } from "./refusal.js";

export type { Candidate, ConvertOptions, Decision, EncodeStats, FormatAdapter, ModelInput, ModelOutput } from "./adapter.js";
export type { ConversionReport, FusedBlockReport } from "./report.js";
export { UNIT_ROUNDOFF } from "./deploy-conv.js";
export type { DeployConv } from "./deploy-conv.js";
export { decide, reparameterize } from "./reparameterize.js";
export type { Progress } from "./reparameterize.js";

export { graphView } from "./graph/graph-view.js";
export type { ConstRef, GraphNodeView, GraphView, NeutralOp, Padding } from "./graph/graph-view.js";
export { effectivePads } from "./graph/same-pads.js";
export { matchBlocks } from "./graph/match-blocks.js";
export type { GraphBlockMatch } from "./graph/match-blocks.js";
export { blockName } from "./graph/block-name.js";
export { classifyFamily } from "./graph/classify-family.js";
export { findDeployConv, readDeployConv } from "./graph/find-deploy-conv.js";
export type { BlockSite, DeployConvNode } from "./graph/find-deploy-conv.js";
