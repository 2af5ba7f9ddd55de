import type { Block, FusedArrays, FusePlan, FuseTarget } from "@reparam/core";
import type { TfjsCandidate } from "../view/find-tfjs-blocks.js";

/** A block to replace, and how its fuse decision loads and fuses it. */
export interface TfjsFusion {
  readonly candidate: TfjsCandidate;
  /**
   * Kernel shape and geometry of the fused conv; its values are computed
   * from `load()` only when its weights are written.
   */
  readonly plan: FusePlan;
  /** Reads the block (the decision's `load`). */
  readonly load: () => Promise<Block>;
  /** The decision's `loadHwio` (kernels as stored, HWIO), when the candidate has one. */
  readonly loadHwio?: (() => Promise<Block>) | undefined;
  /** The decision's `fuse`: core's `fuseTo` with `plan`, counted toward progress. */
  readonly fuse: (block: Block, target: FuseTarget) => FusedArrays;
}
