import type { RequantizedTensor } from "@reparam/core";
import type { ShardLayout, ShardWeight } from "./_shard-layout.js";
import type { WeightsGroup } from "../codec/weights-manifest.js";

/**
 * The manifest of written shards, each fused weight with the quantization
 * its bytes got (an affine grid's min and scale are known only once the
 * weight was computed), and the re-quantizations made, in storage order.
 * Call it after every weight was written.
 */
export function settledManifest(
  layout: ShardLayout,
  weights: readonly ShardWeight[],
): { manifest: WeightsGroup[]; requantized: RequantizedTensor[] } {
  const group = layout.manifest[0];
  if (group === undefined) return { manifest: layout.manifest, requantized: [] };
  const requantized: RequantizedTensor[] = [];
  const specs = group.weights.map((spec, i) => {
    const w = weights[i]!;
    if (!("compute" in w) || w.settled === undefined) return spec;
    const s = w.settled();
    if (s.requantized !== undefined) requantized.push(s.requantized);
    return s.quantization === undefined ? spec : { ...spec, quantization: { ...s.quantization } };
  });
  return { manifest: [{ ...group, weights: specs }], requantized };
}

/** How the fused weights were stored, for the conversion's notes: `float32`, `float16-quantized`, `uint8-quantized (re-quantized, fresh range)`, ... */
export function fusedEncodingNote(weights: readonly ShardWeight[]): string {
  const kinds = new Set<string>();
  for (const w of weights) {
    if (!("compute" in w)) continue;
    const q = w.quantization?.dtype;
    kinds.add(q === undefined ? "float32" : q === "float16" ? "float16-quantized" : `${q}-quantized (fresh range)`);
  }
  return kinds.size === 0 ? "none" : [...kinds].sort().join(", ");
}
