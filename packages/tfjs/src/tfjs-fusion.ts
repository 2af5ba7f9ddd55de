import type { FusedConv } from "@reparam/core";
import type { TfjsCandidate } from "./find-tfjs-blocks.js";

/** A block to replace, and the conv it fuses into (from a fuse decision's `fused()`). */
export interface TfjsFusion {
  readonly candidate: TfjsCandidate;
  /** The fused conv, float64, OIHW; rounded once when written. */
  readonly conv: FusedConv;
}
