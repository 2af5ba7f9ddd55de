import type { Block, FusePlan } from "@reparam/core";
import type { TfjsCandidate } from "../view/find-tfjs-blocks.js";

/** A block to replace, and the plan of the conv it fuses into (a fuse decision's `plan`). */
export interface TfjsFusion {
  readonly candidate: TfjsCandidate;
  /**
   * Kernel shape and geometry of the fused conv; its values are computed
   * from `candidate.load()` only when its weights are written.
   */
  readonly plan: FusePlan;
  /** Reads the block (the decision's counted `load`); `candidate.load()` when absent. */
  readonly load?: () => Promise<Block>;
  /** The decision's counted `loadHwio` (kernels as stored, HWIO), when the candidate has one. */
  readonly loadHwio?: (() => Promise<Block>) | undefined;
}
