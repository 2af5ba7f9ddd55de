import type { BlockMatch } from "./block-match.js";

/**
 * Refuses the chosen scheme's blocks that are part of a larger block of
 * another family: every key of the block is used by one block of another
 * scheme that uses more keys (timm's MobileOne `mixer` inside a FastViT
 * RepMixer, which also has `norm` and `layer_scale`). Fused alone, such a
 * block would leave the rest of the larger one behind, a half conversion
 * that no longer computes the model; refused, its keys stay as they are, and
 * the message names the scheme to convert with first.
 *
 * @param others - the blocks each other built-in scheme finds in the same state dict.
 */
export function refuseNested(blocks: readonly BlockMatch[], others: Iterable<readonly BlockMatch[]>): BlockMatch[] {
  const owner = new Map<string, BlockMatch>();
  for (const found of others) {
    for (const b of found) {
      for (const k of b.consumed) {
        const seen = owner.get(k);
        if (seen === undefined || seen.consumed.length < b.consumed.length) owner.set(k, b);
      }
    }
  }
  return blocks.map((a) => {
    const big = owner.get(a.anchor);
    if (big === undefined || big.consumed.length <= a.consumed.length || a.refusal !== undefined) return a;
    const inside = new Set(big.consumed);
    if (!a.consumed.every((k) => inside.has(k))) return a;
    return {
      ...a,
      refusal: {
        reason: "UNSUPPORTED_BRANCH",
        message: `part of block ${JSON.stringify(big.name)} of family ${big.scheme.family}: fused alone it would leave that block's other branches behind; convert with scheme ${big.scheme.name} first`,
      },
    };
  });
}
