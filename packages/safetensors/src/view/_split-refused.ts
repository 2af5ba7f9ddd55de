import { type Refusal, refusal } from "@reparam/core";
import type { BlockMatch } from "./block-match.js";

/**
 * Blocks matched by their keys that cannot be written as their deploy conv
 * (`BlockMatch.refusal`) become refusals, reported; their keys are copied
 * unchanged. The others are fused.
 */
export function splitRefused(blocks: readonly BlockMatch[]): { fusable: BlockMatch[]; refused: Refusal[] } {
  const fusable: BlockMatch[] = [];
  const refused: Refusal[] = [];
  for (const m of blocks) {
    if (m.refusal === undefined) fusable.push(m);
    else refused.push(refusal(m.name, m.refusal.reason, m.refusal.message));
  }
  return { fusable, refused };
}
