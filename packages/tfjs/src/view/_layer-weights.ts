import type { TfjsWeight } from "../codec/tfjs-weight.js";

/**
 * Looks up a layer's weight by its short name (`kernel`, `gamma`, ...):
 * `<layer>/<short>` as tfjs-layers and the Python converter write it, else
 * `<layer>/<cell>/<short>` (TF >= 2.2 inserts a cell name; tfjs-layers drops
 * it when loading) when exactly one weight has that form.
 */
export function layerWeights(weights: readonly TfjsWeight[]): (layer: string, short: string) => TfjsWeight | undefined {
  const exact = new Map<string, TfjsWeight>();
  const loose = new Map<string, TfjsWeight | null>();
  for (const w of weights) {
    exact.set(w.name, w);
    const t = w.name.split("/");
    if (t.length === 3) {
      const key = `${t[0]}/${t[2]}`;
      loose.set(key, loose.has(key) ? null : w);
    }
  }
  return (layer, short) => {
    const key = `${layer}/${short}`;
    return exact.get(key) ?? loose.get(key) ?? undefined;
  };
}
