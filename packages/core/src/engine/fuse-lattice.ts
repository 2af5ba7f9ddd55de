import type { Block } from "../block/block.js";
import type { FastFuse } from "./fuse-engine.js";
import type { BranchAccumulator, DenseRow, FiniteTally } from "./branch-accumulator.js";
import { scaleRunLattice } from "../wasm/scale-kernels.js";
import type { KernelShape } from "../block/kernel.js";
import type { FusePlan } from "../block/fuse-plan.js";

/** The offset every branch after the first sits at, when all of them are 1x1 (convs, identity) at one offset. */
export function latticeOffset(block: Block<KernelShape>, plan: FusePlan): { y: number; x: number } | undefined {
  const rest = block.branches.slice(1);
  const p = plan.placements[1];
  if (p === undefined) return { y: 0, x: 0 };
  const small = rest.every(
    (b) => b.kind === "identity" || (b.kind === "conv" && b.kernel.shape[2] === 1 && b.kernel.shape[3] === 1),
  );
  const aligned = plan.placements.slice(1).every((q) => q.offsetY === p.offsetY && q.offsetX === p.offsetX);
  return small && aligned ? { y: p.offsetY, x: p.offsetX } : undefined;
}

/**
 * The lead branch written straight into the output; the other branches all
 * 1x1 (convs, the identity) at one offset, so that together they touch one
 * position per input channel: `start + i step`. Those positions are
 * recomputed in a compact float64 row of in/groups values (lead value, plus
 * each branch in order, as a 1x1 block: `rest` was built for kernel
 * [o, in/groups, 1, 1]), times the post-BN, rounded once. RepVGG, QARepVGG,
 * YOLO RepConv, a conv+BN. Returns true when it proved every stored kernel
 * value finite on the way (see {@link FiniteTally}).
 */
export function fuseLattice(f: FastFuse, start: number, step: number, inPerGroup: number): boolean {
  const { kernel, bias, from, to, per, lead, rest, post } = f;
  const row = new Float64Array(inPerGroup);
  const tally: FiniteTally = { unproven: false };
  let s = 0; // sum of stored * 0 over the recomputed positions: 0 exactly when all are finite
  const dense = pairedBranch(lead, rest, from);
  for (let oc = from; oc < to; oc++) {
    const t = post === undefined ? 1 : post.scale[oc]!;
    const base = (oc - from) * per;
    let b = 0; // 0 + b0 + b1 ..., as the row engine sums (-0 becomes +0 there too)
    if (dense !== undefined) {
      // The lead (times post) everywhere and the 1x1 at the shared positions, in one WebAssembly call.
      const l = lead.denseRow!(oc);
      const d = dense.denseRow!(oc);
      const done = scaleRunLattice(l, d, kernel, base, per, t, inPerGroup, start, step);
      if (done !== "not-run") {
        if (done === "non-finite") tally.unproven = true;
        // Biases as the row engine sums them; each identity's one position again, every branch in order.
        b += lead.bias(oc);
        for (const a of rest) b += a.bias(oc);
        for (const a of rest) if (a !== dense) s += fixPoint(f, oc, t, l, a.point!(oc)!.at, start, step);
        bias[oc - from] = post === undefined ? b : b * t + post.shift[oc]!;
        continue;
      }
    }
    b += lead.direct(oc, kernel, base, t, tally);
    if (rest.length === 0) {
      bias[oc - from] = post === undefined ? b : b * t + post.shift[oc]!;
      continue;
    }
    lead.gatherStrided(oc, start, step, row);
    for (const a of rest) b += a.add(oc, row);
    const q0 = base + start;
    if (post === undefined) for (let i = 0; i < inPerGroup; i++) kernel[q0 + i * step] = row[i]!;
    else for (let i = 0; i < inPerGroup; i++) kernel[q0 + i * step] = row[i]! * t;
    for (let i = 0; i < inPerGroup; i++) s += kernel[q0 + i * step]! * 0; // as stored: rounding may overflow
    bias[oc - from] = post === undefined ? b : b * t + post.shift[oc]!;
  }
  return !tally.unproven && s === 0;
}

/**
 * RepVGG's rest (one dense 1x1, plus identities at one position each, in any
 * order): the 1x1, so that a row takes one WebAssembly call
 * (`scaleRunLattice`); else undefined.
 */
function pairedBranch(
  lead: BranchAccumulator,
  rest: readonly BranchAccumulator[],
  from: number,
): BranchAccumulator | undefined {
  if (lead.denseRow === undefined) return undefined;
  const dense = rest.find((a) => a.covers && a.denseRow !== undefined);
  if (dense === undefined) return undefined;
  return rest.every((a) => a === dense || a.point?.(from) !== undefined) ? dense : undefined;
}

/**
 * The shared position `start + i step` of row oc computed again as the row
 * engine does (lead value `l`, then every branch of `rest` in order, times
 * the post-BN), rounded once: where an identity adds to the 1x1's sum.
 * Returns the stored value times 0 (0 exactly when finite).
 */
function fixPoint(f: FastFuse, oc: number, t: number, l: DenseRow, i: number, start: number, step: number): number {
  const q = start + i * step;
  let v = l.data[l.at + q]! * l.scale;
  for (const a of f.rest) {
    if (a.covers) {
      const d = a.denseRow!(oc);
      v += d.data[d.at + i]! * d.scale;
    } else {
      const p = a.point!(oc)!;
      if (p.at === i) v += p.value;
    }
  }
  const at = (oc - f.from) * f.per + q;
  f.kernel[at] = f.post === undefined ? v : v * t;
  return f.kernel[at]! * 0;
}
