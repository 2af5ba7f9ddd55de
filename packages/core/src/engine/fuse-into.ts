import { batchNormAffine } from "../block/batch-norm.js";
import type { Block } from "../block/block.js";
import { branchAccumulator } from "../branch/branch-kinds.js";
import { fuseChannels } from "./fuse-channels.js";
import type { FastFuse } from "./fuse-engine.js";
import { fuseLattice, latticeOffset } from "./fuse-lattice.js";
import { fuseSparse } from "./fuse-sparse.js";
import { checkWindow, type FuseWindow } from "./fuse-window.js";
import type { FusePlan } from "../block/fuse-plan.js";

/**
 * Fuses a planned block into `kernel` (OIHW, float32 or float64 storage: each
 * value rounded once) and `bias`, with the same float64 arithmetic, in the
 * same order, as {@link fuseChannels}, so with the same result bit for bit.
 * When the first branch covers the whole kernel and the others touch few
 * positions (RepVGG, QARepVGG, ACNet, YOLO RepConv, conv+BN), the first is
 * written straight into the output and only the touched positions go through
 * float64 ({@link fuseLattice} when the others are all 1x1 at one offset,
 * else {@link fuseSparse}); anything else takes the row engine.
 *
 * @param window - compute only output channels [from, to): the block's
 *   kernels hold only those rows ({@link FuseWindow}), and so do `kernel`
 *   and `bias` (channel o at row o - from).
 * @returns true when the fast engine proved every kernel value finite as it
 *   stored it (the guard then need not scan the kernel), else false.
 */
export function fuseInto(
  block: Block,
  plan: FusePlan,
  kernel: Float32Array | Float64Array,
  bias: Float32Array | Float64Array,
  window?: FuseWindow,
): boolean {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const per = iPer * kh * kw;
  if (window !== undefined) checkWindow(block, plan, window);
  const from = window?.from ?? 0;
  const to = window?.to ?? o;
  const where = (i: number) => `${block.name} branch ${i}`;
  const accs = block.branches.map((b, i) => branchAccumulator(b, plan.placements[i]!, plan, where(i), from));
  const lead = accs[0];
  const rest = accs.slice(1);
  if (lead === undefined || !lead.covers || rest.some((a) => !a.touches || a.covers)) {
    const sink = (oc: number, row: Float64Array, b: number) => {
      const base = (oc - from) * per;
      for (let j = 0; j < per; j++) kernel[base + j] = row[j]!;
      bias[oc - from] = b;
    };
    fuseChannels(block, plan, sink, undefined, window);
    return false;
  }
  const post = block.postBn === undefined ? undefined : batchNormAffine(block.postBn, `${block.name} (post-BN)`);
  const fast: FastFuse = { kernel, bias, from, to, per, lead, rest, post };
  const at = latticeOffset(block, plan);
  if (at === undefined) return fuseSparse(fast);
  // The other branches as a 1x1 block over a compact row of in/groups values.
  const compact: FusePlan = {
    ...plan,
    kernelShape: [o, iPer, 1, 1],
    placements: plan.placements.map(() => ({ offsetY: 0, offsetX: 0 })),
  };
  const restCompact = block.branches
    .slice(1)
    .map((b, i) => branchAccumulator(b, compact.placements[i + 1]!, compact, where(i + 1), from));
  return fuseLattice({ ...fast, rest: restCompact }, at.y * kw + at.x, kh * kw, iPer);
}
