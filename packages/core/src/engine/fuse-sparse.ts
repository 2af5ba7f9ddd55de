import type { FastFuse } from "./fuse-engine.js";
import type { FiniteTally } from "./branch-accumulator.js";

/**
 * The lead branch written straight into the output; the positions the other
 * branches touch (listed per channel) recomputed in a float64 row: lead value,
 * plus each branch in order, times the post-BN, rounded once. Any shape where
 * the other branches are small (ACNet's 1x3 and 3x1, an average pool, 1x1s at
 * several offsets). Returns true when it proved every stored kernel value
 * finite on the way (see {@link FiniteTally}).
 */
export function fuseSparse(f: FastFuse): boolean {
  const { kernel, bias, from, to, per, lead, rest, post } = f;
  const row = new Float64Array(per);
  const touched = new Int32Array(per * rest.length); // each branch touches at most a whole row
  const tally: FiniteTally = { unproven: false };
  let s = 0; // sum of stored * 0 over the recomputed positions: 0 exactly when all are finite
  for (let oc = from; oc < to; oc++) {
    const t = post === undefined ? 1 : post.scale[oc]!;
    const base = (oc - from) * per;
    let b = 0; // 0 + b0 + b1 ..., as the row engine sums (-0 becomes +0 there too)
    b += lead.direct(oc, kernel, base, t, tally);
    let n = 0;
    for (const a of rest) n = a.touch(oc, touched, n);
    lead.gather(oc, touched, n, row);
    for (const a of rest) b += a.add(oc, row);
    for (let k = 0; k < n; k++) {
      const q = touched[k]!;
      kernel[base + q] = post === undefined ? row[q]! : row[q]! * t;
      s += kernel[base + q]! * 0; // as stored: rounding may overflow
    }
    bias[oc - from] = post === undefined ? b : b * t + post.shift[oc]!;
  }
  return !tally.unproven && s === 0;
}
