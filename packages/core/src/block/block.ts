import type { BatchNorm } from "./batch-norm.js";
import type { Kernel, KernelShape } from "./kernel.js";

/** Height and width. */
export type Pair = readonly [number, number];
/** Effective pads [top, left, bottom, right] (ONNX order for 2-D: begins then ends). */
export type Pads = readonly [number, number, number, number];

/** Geometry of a convolution-like branch. Pads are the effective ones (explicit Pad ops and SAME resolved). */
export interface ConvGeometry {
  readonly stride: Pair;
  readonly pads: Pads;
  readonly dilation: Pair;
  readonly groups: number;
}

/** conv (+ bias) (+ BN): contributes its kernel, placed in the block kernel. */
export interface ConvBranch<K extends KernelShape = Kernel> extends ConvGeometry {
  readonly kind: "conv";
  /** OIHW, I = in_channels / groups. */
  readonly kernel: K;
  readonly bias?: ArrayLike<number>;
  readonly bn?: BatchNorm;
}

/** X itself (bn absent) or BN(X): an identity kernel, scaled by the BN. */
export interface IdentityBranch {
  readonly kind: "identity";
  readonly bn?: BatchNorm;
}

/** 1x1 conv (+bias) (+BN) -> kxk conv (+bias) (+BN), DBB's sequential branch. */
export interface SequentialBranch<K extends KernelShape = Kernel> extends ConvGeometry {
  readonly kind: "sequential";
  /** [M, C/groups, 1, 1]; stride 1, no pads, same groups as the kxk conv. */
  readonly first: { readonly kernel: K; readonly bias?: ArrayLike<number>; readonly bn?: BatchNorm };
  /** [O, M/groups, kh, kw]; this branch's geometry is the kxk conv's. */
  readonly second: { readonly kernel: K; readonly bias?: ArrayLike<number>; readonly bn?: BatchNorm };
  /**
   * How the kxk conv's padding is filled: "zero" (a plain padded conv; exact only
   * when the 1x1's output for a zero input is zero) or "first-output" (DBB's
   * BNAndPad: padded with what the 1x1 (+BN) gives for a zero input).
   */
  readonly padding: "zero" | "first-output";
}

/** kh x kw average pool counting pads (count_include_pad), optionally + BN. */
export interface AvgPoolBranch {
  readonly kind: "avgpool";
  readonly size: Pair;
  readonly stride: Pair;
  readonly pads: Pads;
  readonly bn?: BatchNorm;
}

/** One linear branch of a block. */
export type Branch<K extends KernelShape = Kernel> =
  | ConvBranch<K>
  | IdentityBranch
  | SequentialBranch<K>
  | AvgPoolBranch;

/**
 * A re-parameterizable block: parallel linear branches over one input X,
 * summed, optionally followed by one BatchNorm ("post-BN"). Whatever follows
 * (activation, SE) stays as it is. With `K = KernelShape` the block carries
 * kernel shapes only (BatchNorms are small and always loaded): enough to plan
 * the fusion and report it before any kernel data is read.
 */
export interface Block<K extends KernelShape = Kernel> {
  /** The block's name in the model (a key prefix or node name), for reports. */
  readonly name: string;
  /** Channels of X. */
  readonly inChannels: number;
  readonly branches: readonly Branch<K>[];
  readonly postBn?: BatchNorm;
  /**
   * A BatchNorm over X itself, before every branch (RepViT's `BN_Linear`,
   * Next-ViT's pre-BN): x' = t x + shift per input channel. Folds exactly
   * only when the fused conv reads no padding (a padded border would see 0,
   * not the shift): refused otherwise (`PRE_BN_PADDED`).
   */
  readonly preBn?: BatchNorm;
  /**
   * Spatial size of X when known. Without it, branches must line up for every
   * input size; with it, alignments that hold only for this size (TF 'same'
   * at stride 2) are accepted.
   */
  readonly inputSize?: Pair;
}

/** The single conv a block fuses into (float64; round once when storing). */
export interface FusedConv extends ConvGeometry {
  /** OIHW, [out, in/groups, kh, kw]. */
  readonly kernel: { readonly data: Float64Array; readonly shape: readonly [number, number, number, number] };
  readonly bias: Float64Array;
}
