/**
 * Why a block was left as it is. Each reason names a condition under which
 * the single fused conv would not be provably equal to the branches' sum.
 */
export type RefusalReason =
  | "EMPTY_BLOCK" // no branches
  | "STRIDE_MISMATCH" // branches have different strides
  | "DILATION_MISMATCH" // non-1x1 branches have different dilations
  | "DILATION_MISALIGNED" // a smaller branch does not land on the dilated grid
  | "PADS_MISALIGNED" // pads do not line up (for every input size, or with no valid bottom/right pad)
  | "OUTPUT_SIZE_MISMATCH" // a branch's output size differs from the others'
  | "IDENTITY_IMPOSSIBLE" // identity/avg-pool branch with in != out channels or stride != 1
  | "CHANNEL_MISMATCH" // branches disagree on in or out channels
  | "SEQUENTIAL_PADDING" // 1x1 -> kxk with zero padding and a non-zero 1x1 output for zero input
  | "SEQUENTIAL_SHAPE" // 1x1 -> kxk whose first conv is not 1x1 or whose channels do not chain
  | "BAD_BATCH_NORM" // a non-finite BatchNorm value, or non-positive variance + eps
  | "NON_FINITE" // a bias holds NaN or an infinity
  | "SHARED_INTERMEDIATE" // a tensor inside the block is used outside it or is a model output
  | "PADS_UNKNOWN" // SAME padding whose input size is unknown
  | "FORMAT_UNSUPPORTED"; // the fused conv cannot be written in this format (e.g. grouped conv in tfjs-layers)

/** A refused block: which, why, and a sentence for the user. */
export interface Refusal {
  readonly block: string;
  readonly reason: RefusalReason;
  readonly message: string;
}

/** Builds a {@link Refusal}. */
export function refusal(block: string, reason: RefusalReason, message: string): Refusal {
  return { block, reason, message };
}
