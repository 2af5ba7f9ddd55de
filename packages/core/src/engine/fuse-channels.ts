import { batchNormAffine } from "../block/batch-norm.js";
import type { Block } from "../block/block.js";
import { branchAccumulator } from "../branch/branch-kinds.js";
import { checkWindow, type FuseWindow } from "./fuse-window.js";
import type { FusePlan } from "../block/fuse-plan.js";

/** Receives one fused output channel: its kernel row [in/groups, kh, kw] in float64 (reused between calls) and bias. */
export type ChannelSink = (o: number, row: Float64Array, bias: number) => void;

/**
 * The fusion engine: computes the fused conv one output channel at a time in
 * a float64 row that stays in cache, and hands each finished row to `sink`
 * (which rounds it once into the storage dtype). Per channel o:
 * row = sum over branches, in branch order, of the branch kernel (BN folded,
 * placed, grouped kernels re-slotted into the block's groups); bias likewise;
 * then the post-BN: row *= t[o], bias = bias t[o] + shift[o].
 *
 * @param range - output channels [from, to) to compute (default all), so a
 *   caller can fuse a large block a few channels at a time.
 * @param window - instead of `range`: the block's kernels hold only the
 *   window's rows ({@link FuseWindow}); `sink` still gets absolute channels.
 */
export function fuseChannels(
  block: Block,
  plan: FusePlan,
  sink: ChannelSink,
  range?: readonly [number, number],
  window?: FuseWindow,
): void {
  const [o, iPer, kh, kw] = plan.kernelShape;
  if (window !== undefined) checkWindow(block, plan, window);
  const rowBase = window?.from ?? 0;
  const accs = block.branches.map((b, i) =>
    branchAccumulator(b, plan.placements[i]!, plan, `${block.name} branch ${i}`, rowBase),
  );
  // Branch 0 may write the row instead of adding to zeros (same order: 0 + x == x).
  const lead = accs[0]!;
  const biases = new Float64Array(accs.length);
  const post = block.postBn === undefined ? undefined : batchNormAffine(block.postBn, `${block.name} (post-BN)`);
  const row = new Float64Array(iPer * kh * kw);
  const [from, to] = window === undefined ? (range ?? [0, o]) : [window.from, window.to];
  for (let oc = from; oc < to; oc++) {
    if (lead.covers) biases[0] = lead.assign(oc, row);
    else {
      row.fill(0);
      biases[0] = lead.add(oc, row);
    }
    for (let i = 1; i < accs.length; i++) biases[i] = accs[i]!.add(oc, row);
    let bias = 0;
    for (let i = 0; i < accs.length; i++) bias += biases[i]!;
    if (post !== undefined) {
      const t = post.scale[oc]!;
      for (let j = 0; j < row.length; j++) row[j]! *= t;
      bias = bias * t + post.shift[oc]!;
    }
    sink(oc, row, bias);
  }
}
