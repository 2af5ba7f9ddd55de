import { DiagonalAccumulator } from "../_diagonal-accumulator.js";
import { checkSameChannels, perChannelVectors } from "../_per-channel.js";
import { scaleByBatchNorm } from "../_scale-by-batch-norm.js";
import { axisView, type BranchKind } from "../branch-kind.js";
import { avgPoolKernel } from "./avg-pool-kernel.js";

/** kh x kw average pool counting pads (-> BN): 1/(kh kw) on each channel's own input, scaled by the BN. */
export const avgPoolKind: BranchKind<"avgpool"> = {
  outChannels: (_b, inChannels) => inChannels,
  groups: () => undefined,
  strided: true,
  steppable: false, // a pool has no dilation: the block's is 1 with it
  geometry: (b) => ({
    stride: b.stride,
    axes: [axisView(b.size[0], 1, b.pads[0], b.pads[2]), axisView(b.size[1], 1, b.pads[1], b.pads[3])],
  }),
  checkChannels: (b, name, c, out) => checkSameChannels(b.kind, name, c, out),
  vectors: (b, i, c) => perChannelVectors(b.bn, i, c),
  rowKernel: () => undefined,
  withData: (b) => b,
  kernels: () => [],
  accumulator: (b, p, plan, where) =>
    new DiagonalAccumulator(b.size, 1 / (b.size[0] * b.size[1]), b.bn, p, plan, where),
  kernel: (b, channels, groups, where) =>
    scaleByBatchNorm(avgPoolKernel(channels, groups, b.size[0], b.size[1]), b.bn, where),
  describe: (b) => `avgpool${b.size[0]}x${b.size[1]}`,
};
