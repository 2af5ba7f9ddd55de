import type { RewrittenWeight } from "./rewritten-weight.js";
import type { TfjsWeight } from "../codec/tfjs-weight.js";

/** Weights one rewrite drops, and the new ones that take their place. */
export interface WeightSwap {
  readonly drop: ReadonlySet<string>;
  readonly add: readonly RewrittenWeight[];
}

/**
 * The weights after some rewrites: untouched weights as they were (exact
 * bytes and quantization), in order; each swap's new weights where its first
 * dropped weight was (at the end when it drops none).
 */
export function replaceWeights(weights: readonly TfjsWeight[], swaps: readonly WeightSwap[]): RewrittenWeight[] {
  const out: RewrittenWeight[] = [];
  const placed = new Set<WeightSwap>();
  const owner = new Map<string, WeightSwap>();
  for (const s of swaps) for (const name of s.drop) owner.set(name, s);
  for (const w of weights) {
    const swap = owner.get(w.name);
    if (swap === undefined) out.push(w);
    else if (!placed.has(swap)) {
      placed.add(swap);
      out.push(...swap.add);
    }
  }
  for (const s of swaps) if (!placed.has(s)) out.push(...s.add);
  return out;
}
