import { batchNormAffine } from "./batch-norm.js";
import type { Block } from "./block.js";
import { branchAccumulator } from "./branch-accumulator.js";
import { fuseChannels } from "./fuse-channels.js";
import type { FusePlan } from "./plan-block.js";

/**
 * Fuses a planned block into `kernel` (OIHW, float32 or float64 storage: each
 * value rounded once) and `bias`, with the same float64 arithmetic, in the
 * same order, as {@link fuseChannels}. Fast path for the common shape (the
 * first branch covers the whole kernel, the others touch few positions:
 * RepVGG, QARepVGG, ACNet, conv+BN): the first branch is written straight into
 * the output, and only the positions the other branches touch go through a
 * float64 row. Anything else takes the row engine.
 */
export function fuseInto(block: Block, plan: FusePlan, kernel: Float32Array | Float64Array, bias: Float32Array | Float64Array): void {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const per = iPer * kh * kw;
  const accs = block.branches.map((b, i) => branchAccumulator(b, plan.placements[i]!, plan, `${block.name} branch ${i}`));
  const lead = accs[0];
  const rest = accs.slice(1);
  if (lead === undefined || !lead.covers || rest.some((a) => !a.touches || a.covers)) {
    fuseChannels(block, plan, (oc, row, b) => {
      const base = oc * per;
      for (let j = 0; j < per; j++) kernel[base + j] = row[j]!;
      bias[oc] = b;
    });
    return;
  }
  const post = block.postBn === undefined ? undefined : batchNormAffine(block.postBn, `${block.name} (post-BN)`);
  const row = new Float64Array(per);
  const touched = new Int32Array(per * rest.length); // each branch touches at most a whole row
  for (let oc = 0; oc < o; oc++) {
    const t = post === undefined ? 1 : post.scale[oc]!;
    const base = oc * per;
    let b = lead.direct(oc, kernel, base, t);
    let n = 0;
    for (const a of rest) n = a.touch(oc, touched, n);
    // Row positions the other branches touch start from the lead's float64 value, as in the row engine.
    for (let k = 0; k < n; k++) row[touched[k]!] = lead.valueAt(oc, touched[k]!);
    for (const a of rest) b += a.add(oc, row);
    for (let k = 0; k < n; k++) {
      const q = touched[k]!;
      kernel[base + q] = post === undefined ? row[q]! : row[q]! * t;
    }
    bias[oc] = post === undefined ? b : b * t + post.shift[oc]!;
  }
}
