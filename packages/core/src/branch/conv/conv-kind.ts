import type { ConvGeometry } from "../../block/block.js";
import type { KernelShape } from "../../block/kernel.js";
import { refusal, type Refusal } from "../../block/refusal.js";
import { axisView, type BranchGeometry, type BranchKind } from "../branch-kind.js";
import { ConvAccumulator } from "./conv-accumulator.js";
import { foldConvBranch } from "./fold-conv-branch.js";

/** Geometry of a conv-like branch whose (last) kernel has `shape`. */
export function convGeometry(b: ConvGeometry, shape: KernelShape["shape"]): BranchGeometry {
  return {
    stride: b.stride,
    axes: [
      axisView(shape[2], b.dilation[0], b.pads[0], b.pads[2]),
      axisView(shape[3], b.dilation[1], b.pads[1], b.pads[3]),
    ],
  };
}

/** A conv-like branch whose (first) kernel `k` must read the block's `c` input channels in `groups` groups. */
export function checkGroupedInput(
  kind: string,
  k: KernelShape,
  groups: number,
  name: string,
  c: number,
): Refusal | undefined {
  if (k.shape[1] * groups !== c || k.shape[0] % groups !== 0) {
    return refusal(
      name,
      "CHANNEL_MISMATCH",
      `a ${kind} branch reads ${k.shape[1]} x ${groups} groups channels, the input has ${c}`,
    );
  }
  return undefined;
}

/** conv (+ bias) (+ BN): its kernel, BN folded, placed in the block kernel. */
export const convKind: BranchKind<"conv"> = {
  outChannels: (b) => b.kernel.shape[0],
  groups: (b) => b.groups,
  strided: true,
  steppable: true,
  geometry: (b) => convGeometry(b, b.kernel.shape),
  checkChannels: (b, name, c) => checkGroupedInput(b.kind, b.kernel, b.groups, name, c),
  vectors: (b, i) => [{ where: `branch ${i}`, channels: b.kernel.shape[0], bn: b.bn, bias: b.bias }],
  rowKernel: (b) => b.kernel,
  withData: (b, data) => ({ ...b, kernel: { data: data[0]!, shape: b.kernel.shape } }),
  kernels: (b) => [b.kernel],
  accumulator: (b, p, plan, where, rowBase) => new ConvAccumulator(b, p, plan, where, rowBase),
  kernel: (b, _channels, _groups, where) => foldConvBranch(b, where),
  describe: (b) => `${b.kernel.shape[2]}x${b.kernel.shape[3]}`,
};
