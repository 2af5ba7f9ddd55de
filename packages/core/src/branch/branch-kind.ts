import type { KernelBias } from "../algebra/fold-batch-norm.js";
import type { BatchNorm } from "../block/batch-norm.js";
import type { Branch, Pair } from "../block/block.js";
import type { Kernel, KernelShape } from "../block/kernel.js";
import type { FusePlan, Placement } from "../block/fuse-plan.js";
import type { Refusal } from "../block/refusal.js";
import type { BranchAccumulator } from "../engine/branch-accumulator.js";

/** One axis of a branch as the block geometry sees it. */
export interface AxisView {
  readonly k: number; // kernel extent on this axis
  readonly d: number; // dilation (1 when k === 1: irrelevant)
  readonly begin: number;
  readonly end: number;
}

/** A branch's stride and its two axes (height, width). */
export interface BranchGeometry {
  readonly stride: Pair;
  readonly axes: readonly [AxisView, AxisView];
}

/** An axis view; the dilation of a kernel of extent 1 does not matter and reads as 1. */
export const axisView = (k: number, d: number, begin: number, end: number): AxisView => ({
  k,
  d: k === 1 ? 1 : d,
  begin,
  end,
});

/** A per-channel vector of a block (a BatchNorm's, a bias) and the channel count it must have. */
export interface Vectors {
  readonly where: string;
  readonly channels: number;
  readonly bn?: BatchNorm | undefined;
  readonly bias?: ArrayLike<number> | undefined;
}

/** The branch of kind `T`, with kernels `K` (shapes only, or with data). */
export type BranchOf<T extends Branch["kind"], K extends KernelShape = Kernel> = Extract<
  Branch<K>,
  { readonly kind: T }
>;

/**
 * Everything that is specific to one kind of branch, in one place: planning
 * (channels, geometry, vectors, exactness), fusing (the accumulator the
 * engines use, the reference kernel) and reporting. One per folder of
 * `src/branch/`, listed in `branch-kinds.ts`.
 */
export interface BranchKind<T extends Branch["kind"]> {
  /** Output channels of the branch over `inChannels` input channels. */
  outChannels(b: BranchOf<T, KernelShape>, inChannels: number): number;
  /** The branch's groups, or undefined when it fits any (identity, avg-pool: per channel). */
  groups(b: BranchOf<T, KernelShape>): number | undefined;
  /** False for a branch that only exists at stride 1 and takes no part in the block's stride (the identity). */
  readonly strided: boolean;
  /**
   * True when its accumulator places the kernel's taps `Placement.stepY/stepX`
   * apart (a branch dilated more than the block); a kind without steps must
   * share the block's dilation.
   */
  readonly steppable: boolean;
  geometry(b: BranchOf<T, KernelShape>): BranchGeometry;
  /** Why the branch cannot read `c` input channels and give `out`, if it cannot. */
  checkChannels(b: BranchOf<T, KernelShape>, name: string, c: number, out: number): Refusal | undefined;
  /** The branch's per-channel vectors; `i` is its index in the block. */
  vectors(b: BranchOf<T, KernelShape>, i: number, c: number): Vectors[];
  /** Checks that need the vectors to be sound first (DBB's zero padding). */
  checkExact?(b: BranchOf<T, KernelShape>, name: string): Refusal | undefined;
  /** The kernel whose rows are the block's output channels (a window holds only some), if any. */
  rowKernel(b: BranchOf<T>): Kernel | undefined;
  /** The branch with its kernels' values, given in the order of {@link BranchKind.kernels} (shapes stay). */
  withData(b: BranchOf<T, KernelShape>, data: readonly (Float32Array | Float64Array)[]): BranchOf<T>;
  /** Every kernel of the branch (for the finiteness guard). */
  kernels(b: BranchOf<T>): Kernel[];
  /** The accumulator the fusion engines use; `rowBase` is the first output channel the branch's kernels hold. */
  accumulator(b: BranchOf<T>, p: Placement, plan: FusePlan, where: string, rowBase: number): BranchAccumulator;
  /** The branch as a float64 kernel + bias over `channels` input channels (reference algebra). */
  kernel(b: BranchOf<T>, channels: number, groups: number, where: string): KernelBias;
  /** A short description for reports ("3x3", "identity+bn"). */
  describe(b: BranchOf<T, KernelShape>): string;
}
