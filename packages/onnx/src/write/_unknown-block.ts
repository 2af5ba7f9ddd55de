import { ReparamError, type Candidate } from "@reparam/core";

/** A candidate this model's `findBlocks` did not return (a decision from another model, or before findBlocks). */
export function unknownBlock(c: Candidate): ReparamError {
  return new ReparamError(
    "ONNX_UNKNOWN_BLOCK",
    "a fuse decision names a block this model's findBlocks did not return",
    {
      where: `block '${c.name}'`,
      hint: "call findBlocks on the same decoded model before encode",
    },
  );
}
