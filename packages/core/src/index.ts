export { ReparamError, isReparamError } from "./contract/reparam-error.js";
export type { ReparamErrorDetails } from "./contract/reparam-error.js";
export { bytesSource, collectSink } from "./contract/byte-source.js";
export type { ByteSource, ByteSink } from "./contract/byte-source.js";
export { memoryInput, memoryOutput } from "./contract/memory-model-io.js";
export type { MemoryOutput } from "./contract/memory-model-io.js";

export { shapeSize, toKernel64, zeroKernel } from "./block/kernel.js";
export type { Kernel, Kernel64, KernelShape } from "./block/kernel.js";
export { hwioToOihw, oihwToHwio, hwcmToOihw, oihwToHwcm } from "./numeric/layout.js";
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
} from "./numeric/float16.js";
export { roundToFormat, widenFromFormat } from "./numeric/round-to-format.js";
export type { BinaryFormat } from "./numeric/round-to-format.js";

export { batchNormAffine } from "./block/batch-norm.js";
export type { BatchNorm, ChannelAffine } from "./block/batch-norm.js";
export { foldBatchNorm } from "./algebra/fold-batch-norm.js";
export type { KernelBias } from "./algebra/fold-batch-norm.js";
export { foldPostBatchNorm } from "./algebra/fold-post-batch-norm.js";
export { placeKernel } from "./algebra/place-kernel.js";
export { identityKernel } from "./branch/identity/identity-kernel.js";
export { avgPoolKernel } from "./branch/avgpool/avg-pool-kernel.js";
export { expandGroups } from "./algebra/expand-groups.js";
export { composeSequential } from "./branch/sequential/compose-sequential.js";
export { sumBranches } from "./algebra/sum-branches.js";
export type { PlacedBranch } from "./algebra/sum-branches.js";

export type { Block, Branch, ConvBranch, IdentityBranch, SequentialBranch, AvgPoolBranch, ConvGeometry, FusedConv, Pads, Pair } from "./block/block.js";
export { blockGeometry } from "./block/block-geometry.js";
export type { BlockGeometry, Placement } from "./block/block-geometry.js";
export { planBlock } from "./block/plan-block.js";
export { branchOutChannels } from "./branch/branch-kinds.js";
export type { FusePlan, PlanResult } from "./block/plan-block.js";
export { fuseBlock, fuseWithPlan, fuseToFloat32 } from "./engine/fuse-block.js";
export { fuseTo } from "./engine/fuse-to.js";
export type { FuseTarget, FusedArrays, FusedDtype } from "./engine/fuse-to.js";
export type { FusedStorage } from "./engine/finite-guard.js";
export { fuseChannels } from "./engine/fuse-channels.js";
export { fuseInto } from "./engine/fuse-into.js";
export type { FuseWindow } from "./engine/fuse-window.js";
export { fuseIntoHwio, hwioFusable } from "./engine/fuse-hwio.js";
export type { ChannelSink } from "./engine/fuse-channels.js";
export type { FuseResult } from "./engine/fuse-block.js";
export { branchKernel } from "./branch/branch-kinds.js";
export { foldConvBranch } from "./branch/conv/fold-conv-branch.js";
export { refusal } from "./block/refusal.js";
export type { Refusal, RefusalReason } from "./block/refusal.js";

export type { Candidate, ConvertOptions, Decision, EncodeStats, FormatAdapter, ModelInput, ModelOutput } from "./contract/adapter.js";
export type { ConversionReport, FusedBlockReport } from "./contract/report.js";
export { UNIT_ROUNDOFF } from "./contract/deploy-conv.js";
export type { DeployConv } from "./contract/deploy-conv.js";
export { decide, reparameterize } from "./contract/reparameterize.js";
export type { Progress } from "./contract/reparameterize.js";

export { graphView } from "./graph/graph-view.js";
export type { ConstRef, GraphNodeView, GraphView, NeutralOp, Padding } from "./graph/graph-view.js";
export { effectivePads } from "./graph/same-pads.js";
export { matchBlocks } from "./graph/match-blocks.js";
export type { GraphBlockMatch } from "./graph/match-blocks.js";
export { blockName } from "./graph/block-name.js";
export { classifyFamily } from "./graph/classify-family.js";
export { findDeployConv, readDeployConv } from "./graph/find-deploy-conv.js";
export type { BlockSite, DeployConvNode } from "./graph/find-deploy-conv.js";
