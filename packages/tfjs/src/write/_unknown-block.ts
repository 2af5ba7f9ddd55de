import { ReparamError } from "@reparam/core";
import type { TfjsCandidate } from "../view/find-tfjs-blocks.js";

/** The `TFJS_UNKNOWN_BLOCK` error: a fusion whose block is not (or no longer) in the model being written. */
export function unknownBlock(candidate: Pick<TfjsCandidate, "name">, why: string): ReparamError {
  return new ReparamError(
    "TFJS_UNKNOWN_BLOCK",
    `block ${JSON.stringify(candidate.name)} cannot be written into this model`,
    {
      where: candidate.name,
      expected: "a candidate found by findTfjsBlocks in this very model",
      found: why,
    },
  );
}
