import type { Decision, FormatAdapter } from "@reparam/core";

/** Largest finite value of each storage dtype, by its unit roundoff (float16, bfloat16, float32). */
const LARGEST = new Map([
  [2 ** -11, 65504],
  [2 ** -8, 3.3895313892515355e38],
  [2 ** -24, 3.4028234663852886e38],
]);

/** Blocks checked per input: enough to catch a writer that mixes blocks up, cheap enough for thousands of inputs. */
const CHECKED_BLOCKS = 4;

/**
 * What `reparam verify` checks without a runtime: each fused block (the
 * first few) is one conv in the converted model (the adapter's
 * `deployConv`; where that cannot place it, e.g. a branch a mutation left
 * dead, the block must at least no longer be found there), and its stored weights are the block's float64 fusion
 * rounded once to their dtype: |stored - fused| <= unit * |fused| plus the
 * smallest subnormal step. Returns what is wrong, or undefined.
 */
export async function checkFused<M>(
  adapter: FormatAdapter<M>,
  original: M,
  converted: M,
  decisions: readonly Decision[],
): Promise<string | undefined> {
  if (adapter.deployConv === undefined) return undefined;
  const fused = decisions.filter((d) => d.kind === "fuse").slice(0, CHECKED_BLOCKS);
  for (const d of fused) {
    if (d.kind !== "fuse") continue;
    const stored = await adapter.deployConv(original, converted, d.candidate, d.plan);
    if (stored === undefined) {
      // deployConv finds a block's conv from its place in the graph, which a mutation may have cut off (a branch
      // whose Add lost it: dead). Then the branches must at least be gone from the output.
      const left = (await adapter.findBlocks(converted, {})).candidates.some((c) => c.name === d.candidate.name);
      if (left) return `block '${d.candidate.name}' was fused but its branches are still in the output`;
      continue;
    }
    const want = await d.fused();
    const pairs: Array<[string, ArrayLike<number>, ArrayLike<number>]> = [
      ["kernel", stored.kernel.data, want.kernel.data],
      ["bias", stored.bias, want.bias],
    ];
    for (const [what, got, exact] of pairs) {
      if (got.length !== exact.length)
        return `block '${d.candidate.name}' ${what}: ${got.length} values stored, ${exact.length} fused`;
      for (let i = 0; i < got.length; i++) {
        const e = exact[i]!;
        // A NaN weight in the input stays NaN (garbage in, the same garbage out).
        if (Number.isNaN(e) && Number.isNaN(got[i]!)) continue;
        // Past the dtype's largest value, the correctly rounded value is an infinity of the same sign (core's guard
        // allows it only where the block's own kernels already held a NaN or an infinity).
        if (got[i] === Math.sign(e) * Infinity && Math.abs(e) > (LARGEST.get(stored.unit) ?? Infinity)) continue;
        if (!(Math.abs(got[i]! - e) <= stored.unit * Math.abs(e) + 2 ** -24))
          return `block '${d.candidate.name}' ${what}[${i}]: stored ${got[i]}, fused ${e}`;
      }
    }
  }
  return undefined;
}
