import type { ChannelAffine } from "../block/batch-norm.js";
import type { BranchAccumulator } from "./branch-accumulator.js";

/** What the fast engines of {@link fuseInto} share: the output, the window, the lead (covering) branch, the post-BN. */
export interface FastFuse {
  readonly kernel: Float32Array | Float64Array;
  readonly bias: Float32Array | Float64Array;
  /** Output channels [from, to); channel o is row o - from of `kernel` and `bias`. */
  readonly from: number;
  readonly to: number;
  /** Values per output channel: in/groups * kh * kw. */
  readonly per: number;
  readonly lead: BranchAccumulator;
  readonly rest: readonly BranchAccumulator[];
  readonly post: ChannelAffine | undefined;
}
