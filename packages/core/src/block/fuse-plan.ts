import type { ConvGeometry } from "./block.js";
import type { Refusal } from "./refusal.js";

/** Where one branch's kernel lands in the block kernel (index units). */
export interface Placement {
  readonly offsetY: number;
  readonly offsetX: number;
  /**
   * Index step between the branch's kernel taps in the block kernel: the
   * branch's dilation over the block's (a 3x3 at dilation 2 in a block of
   * dilation 1 is a 5x5 with zeros between its taps). Absent: 1.
   */
  readonly stepY?: number;
  readonly stepX?: number;
}

/** What a block fuses into, known from shapes and BatchNorms alone. */
export interface FusePlan extends ConvGeometry {
  /** OIHW shape of the fused kernel. */
  readonly kernelShape: readonly [number, number, number, number];
  /** Where each branch's kernel lands, in branch order. */
  readonly placements: readonly Placement[];
}

/** The result of `planBlock`: the plan, or why the block does not fuse. */
export type PlanResult =
  | { readonly ok: true; readonly plan: FusePlan }
  | { readonly ok: false; readonly refusal: Refusal };
