import { ReparamError } from "@reparam/core";
import type { WeightsGroup } from "./weights-manifest.js";

/**
 * The `TFJS_SHARD_SIZE` error for a group whose shards (of the given sizes)
 * hold `found` bytes in total where its weights need `need`. The manifest gives no per-shard sizes,
 * so the culprit is guessed from the converter's layout (every shard but the
 * last has the same size): a shard before the last that differs from the
 * common size, else the last shard. When the shards are too short and
 * `lengths` (each weight's byte length) is given, the message names the
 * first weight whose bytes run past them: the one whose shape claims more
 * than is stored, or the first one after it.
 */
export function shardSizeError(
  group: WeightsGroup,
  g: number,
  sizes: readonly number[],
  need: number,
  lengths: readonly number[] = [],
): ReparamError {
  const found = sizes.reduce((a, b) => a + b, 0);
  let end = 0;
  const short = found < need ? lengths.findIndex((n) => (end += n) > found) : -1;
  const spec = short < 0 ? undefined : group.weights[short];
  const named =
    spec === undefined ? "" : `: weight ${JSON.stringify(spec.name)} [${spec.shape.join(", ")}] ends at byte ${end}`;
  const listed = group.paths.map((p, i) => `${p} ${sizes[i]}`).join(", ");
  const n = sizes.length;
  let blame = n - 1;
  let expected = `${need} bytes in all for the ${group.weights.length} weights of group ${g + 1}`;
  if (n > 1) {
    const common = mostCommon(sizes.slice(0, n - 1));
    const odd = sizes.slice(0, n - 1).findIndex((s) => s !== common);
    if (odd >= 0) {
      blame = odd;
      expected = `${common} bytes like the other shards (${expected})`;
    } else if (need - (n - 1) * common > 0 && need - (n - 1) * common <= common) {
      expected = `${need - (n - 1) * common} bytes (${expected})`;
    }
  } else if (n === 1) {
    expected = `${need} bytes for the ${group.weights.length} weights of group ${g + 1}`;
  }
  const where = n === 0 ? `weightsManifest[${g}] (no shards)` : `${group.paths[blame]} (shard ${blame + 1} of ${n})`;
  return new ReparamError(
    "TFJS_SHARD_SIZE",
    `weight shards ${found < need ? "too short" : "too long"} for their manifest${named}`,
    {
      where,
      expected,
      found: n === 0 ? "no shard files" : `${found} bytes in all (${listed})`,
      hint: found < need ? "a shard file may be truncated or stale" : "a shard file may be stale or from another model",
    },
  );
}

function mostCommon(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] ?? 0;
  for (const [v, c] of counts) if (c > (counts.get(best) ?? 0)) best = v;
  return best;
}
