import type { Block } from "../block/block.js";
import type { FusePlan } from "../block/fuse-plan.js";
import { ReparamError } from "../contract/reparam-error.js";
import { kindOf } from "../branch/branch-kinds.js";

/**
 * Output channels [from, to) of a block, computed on their own: the block's
 * conv kernels (and a DBB branch's kxk kernel) hold only these rows, each
 * `[to - from, in/groups, kh, kw]`; BatchNorms and biases stay whole. Lets a
 * caller fuse a large block a few channels at a time, reading only their rows.
 */
export interface FuseWindow {
  readonly from: number;
  readonly to: number;
}

/** Checks a window against the plan and the block's kernel data; throws `FUSE_BAD_WINDOW`. */
export function checkWindow(block: Block, plan: FusePlan, w: FuseWindow): void {
  const o = plan.kernelShape[0];
  const bad = (expected: string, found: string) =>
    new ReparamError("FUSE_BAD_WINDOW", "output channel window does not fit the block", {
      where: block.name,
      expected,
      found,
    });
  if (!Number.isSafeInteger(w.from) || !Number.isSafeInteger(w.to) || w.from < 0 || w.to <= w.from || w.to > o) {
    throw bad(`0 <= from < to <= ${o}`, `[${w.from}, ${w.to})`);
  }
  for (const b of block.branches) {
    const k = kindOf(b).rowKernel(b);
    if (k === undefined) continue;
    const row = k.shape[1] * k.shape[2] * k.shape[3];
    if (k.data.length !== (w.to - w.from) * row)
      throw bad(`kernels of ${w.to - w.from} rows (${(w.to - w.from) * row} values)`, `${k.data.length} values`);
  }
}
