import { batchNormAffine } from "../block/batch-norm.js";
import type { Block } from "../block/block.js";
import type { FusePlan } from "../block/fuse-plan.js";
import type { ChannelSink } from "./fuse-channels.js";

/**
 * Wraps a sink so that each fused row also folds the block's pre-BN
 * (x' = t x + shift per input channel): W x' + b = (W t) x + (b + W shift).
 * The bias takes the row's values before they are scaled, in row order, in
 * float64; then each value is scaled once. Exact only when the fused conv
 * reads no padding, which planning checks (`PRE_BN_PADDED`).
 */
export function preBnSink(block: Block, plan: FusePlan, sink: ChannelSink): ChannelSink {
  if (block.preBn === undefined) return sink;
  const { scale, shift } = batchNormAffine(block.preBn, `${block.name} (pre-BN)`);
  const [o, iPer, kh, kw] = plan.kernelShape;
  const taps = kh * kw;
  const oPer = o / plan.groups;
  return (oc, row, b) => {
    const c0 = Math.floor(oc / oPer) * iPer; // first input channel of the output channel's group
    let bias = b;
    for (let i = 0; i < iPer; i++) {
      const t = scale[c0 + i]!;
      const h = shift[c0 + i]!;
      for (let q = i * taps; q < (i + 1) * taps; q++) {
        bias += row[q]! * h;
        row[q]! *= t;
      }
    }
    sink(oc, row, bias);
  };
}
