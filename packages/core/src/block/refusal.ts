/**
 * Why a block was left as it is. Each reason names a condition under which
 * the single fused conv would not be provably equal to the branches' sum.
 */
export type RefusalReason =
  | "EMPTY_BLOCK" // no branches
  | "STRIDE_MISMATCH" // branches have different strides
  | "DILATION_MISMATCH" // dilations that would spread into a kernel of more than 127 taps, or a dilated branch of a kind placed without steps
  | "DILATION_MISALIGNED" // a smaller branch does not land on the dilated grid
  | "PADS_MISALIGNED" // pads do not line up (for every input size, or with no valid bottom/right pad)
  | "OUTPUT_SIZE_MISMATCH" // a branch's output size differs from the others'
  | "IDENTITY_IMPOSSIBLE" // identity/avg-pool branch with in != out channels or stride != 1
  | "CHANNEL_MISMATCH" // branches disagree on in or out channels
  | "SEQUENTIAL_PADDING" // 1x1 -> kxk with zero padding and a non-zero 1x1 output for zero input
  | "SEQUENTIAL_BORDER" // a chain of convs whose inner padding holds something other than what the fused conv computes there (zero padding after a biased conv, a padded conv after a kxk conv)
  | "SEQUENTIAL_NONLINEAR" // two 1x1 convs across a leaky ReLU whose slope is not 1 (VanillaNet mid-training): not one conv
  | "SEQUENTIAL_SHAPE" // 1x1 -> kxk whose first conv is not 1x1 or whose channels do not chain
  | "BAD_BATCH_NORM" // a non-finite BatchNorm value, or non-positive variance + eps
  | "NON_FINITE" // a bias holds NaN or an infinity
  | "SHARED_INTERMEDIATE" // a tensor inside the block is used outside it or is a model output
  | "PADS_UNKNOWN" // SAME padding whose input size is unknown
  | "NON_LINEAR_BRANCH" // a branch of a sum of convs over one input goes through an op that is not linear in it (or not one the matcher reads as such)
  | "NO_COMMON_INPUT" // a branch of a sum of convs over one input starts from another tensor (a graph input, a sum of its own)
  | "UNSUPPORTED_BRANCH" // every branch is linear in the input, one in a form that does not merge into one conv (kxk conv -> kxk conv, BN -> conv)
  | "NON_CONSTANT_WEIGHTS" // a weight may be replaced at run time (an ONNX initializer that is also a graph input, kept as an input)
  | "PRE_BN_PADDED" // a BatchNorm before the branches, and the fused conv pads (its border would see 0, not the BN's shift)
  | "PRE_BN_LAYOUT" // a BatchNorm reaches a conv or Linear through a Reshape / Transpose / pool not shown to keep its channels on the contracted axis
  | "FORMAT_UNSUPPORTED"; // the fused conv cannot be written in this format (e.g. grouped conv in tfjs-layers)

/** A refused block: which, why, and a sentence for the user. */
export interface Refusal {
  readonly block: string;
  /** The block's id (see `Candidate.id`) where one is known: it tells apart blocks of the same name. */
  readonly id?: string;
  readonly reason: RefusalReason;
  readonly message: string;
}

/** Builds a {@link Refusal}; `id` where the block's id is known (a graph block's output tensor). */
export function refusal(block: string, reason: RefusalReason, message: string, id?: string): Refusal {
  return id === undefined ? { block, reason, message } : { block, id, reason, message };
}
