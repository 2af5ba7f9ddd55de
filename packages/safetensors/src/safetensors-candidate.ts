import type { Candidate } from "@reparam/core";
import type { BlockMatch } from "./view/block-match.js";

/** A block candidate of `safetensorsAdapter`: core's {@link Candidate} plus the keys it came from. */
export interface SafetensorsCandidate extends Candidate {
  readonly match: BlockMatch;
}

/** True for a candidate made by `safetensorsAdapter.findBlocks`. */
export function isSafetensorsCandidate(candidate: Candidate): candidate is SafetensorsCandidate {
  const match = (candidate as { match?: Partial<BlockMatch> }).match;
  return (
    typeof match === "object" && match !== null && Array.isArray(match.consumed) && typeof match.deploy === "object"
  );
}
