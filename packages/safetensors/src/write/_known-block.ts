import { type Candidate, ReparamError } from "@reparam/core";
import type { SafetensorsModel } from "../codec/safetensors-model.js";
import { type SafetensorsCandidate, isSafetensorsCandidate } from "../safetensors-candidate.js";

/**
 * The candidate of a fuse decision, checked to be one the writer can place:
 * made by this adapter's `findBlocks`, its main weight and every key it
 * consumes present in `model`. A decision the writer cannot place is an
 * error, never dropped (its keys would be copied unfused, or lost).
 *
 * @throws ReparamError `SAFETENSORS_UNKNOWN_BLOCK`.
 */
export function knownBlock(model: SafetensorsModel, c: Candidate): SafetensorsCandidate {
  if (!isSafetensorsCandidate(c)) {
    throw new ReparamError(
      "SAFETENSORS_UNKNOWN_BLOCK",
      "a fuse decision names a block this adapter's findBlocks did not make",
      {
        where: `block '${c.name}'`,
        expected: "a candidate from safetensorsAdapter.findBlocks",
        found: "a candidate without the keys of a state-dict block",
        hint: "call findBlocks on the same decoded model before encode",
      },
    );
  }
  const missing = [c.match.anchor, ...c.match.consumed].find((k) => !model.tensors.has(k));
  if (missing !== undefined) {
    throw new ReparamError(
      "SAFETENSORS_UNKNOWN_BLOCK",
      "a fuse decision names a block that is not in this state dict",
      {
        where: `block '${c.name}'`,
        expected: `key '${missing}' in the state dict`,
        found: "no such key",
        hint: "call findBlocks on the same decoded model before encode",
      },
    );
  }
  return c;
}
