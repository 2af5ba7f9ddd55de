import { DiagonalAccumulator } from "../_diagonal-accumulator.js";
import { checkSameChannels, perChannelVectors } from "../_per-channel.js";
import { scaleByBatchNorm } from "../_scale-by-batch-norm.js";
import { axisView, type BranchKind } from "../branch-kind.js";
import { identityKernel } from "./identity-kernel.js";

/** X itself or BN(X): the identity kernel, scaled by the BN; exists only at stride 1. */
export const identityKind: BranchKind<"identity"> = {
  outChannels: (_b, inChannels) => inChannels,
  groups: () => undefined,
  strided: false,
  steppable: false, // 1x1: its dilation never matters
  geometry: () => ({ stride: [1, 1], axes: [axisView(1, 1, 0, 0), axisView(1, 1, 0, 0)] }),
  checkChannels: (b, name, c, out) => checkSameChannels(b.kind, name, c, out),
  vectors: (b, i, c) => perChannelVectors(b.bn, i, c),
  rowKernel: () => undefined,
  withData: (b) => b,
  kernels: () => [],
  accumulator: (b, p, plan, where) => new DiagonalAccumulator([1, 1], 1, b.bn, p, plan, where),
  kernel: (b, channels, groups, where) => scaleByBatchNorm(identityKernel(channels, groups), b.bn, where),
  describe: (b) => (b.bn === undefined ? "identity" : "identity+bn"),
};
