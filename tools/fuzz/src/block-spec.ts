/**
 * A random train-time block, format-neutral: what it computes, exactly, in
 * NCHW / OIHW terms. Every spelling (an ONNX graph, a TF.js model, a state
 * dict) writes the same computation its own way; the float64 reference is
 * computed from this spec (with the values as the spelling stored them).
 *
 * y = postBn( sum over branches of branch(x) ), then `activation`.
 * Every branch reads x [N, C, H, W] and gives [N, O, H', W'] (one stride for
 * all); `pads` are the effective pads [top, left, bottom, right] of the
 * branch's own kernel window over x (zero padding).
 */

/** Inference-mode BatchNorm: y = gamma (x - mean) / sqrt(var + eps) + beta. */
export interface BnSpec {
  readonly gamma: Float64Array;
  readonly beta: Float64Array;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly eps: number;
}

export type Pads4 = readonly [number, number, number, number];
export type Shape4 = readonly [number, number, number, number];

/** A kernel OIHW [O, C/groups, kh, kw] with its values. */
export interface KernelSpec {
  readonly data: Float64Array;
  readonly shape: Shape4;
}

/** conv (+bias) (+BN). */
export interface ConvBranchSpec {
  readonly kind: "conv";
  readonly kernel: KernelSpec;
  readonly bias?: Float64Array;
  readonly bn?: BnSpec;
  readonly groups: number;
  readonly pads: Pads4;
  readonly dilation: readonly [number, number];
  /** Upstream name of the branch for state-dict spellings (`rbr_dense`, `conv_kxk.0`, ...). */
  readonly role: string;
}

/** x itself, or BN(x): needs C == O and stride 1. */
export interface IdentityBranchSpec {
  readonly kind: "identity";
  readonly bn?: BnSpec;
  readonly role: string;
}

/**
 * DBB's 1x1 -> kxk: first = 1x1 conv (+BN) at stride 1 without pads, its
 * output padded by `pads` with what first (+BN) gives for a zero input
 * (BNAndPad), then the kxk conv (second, + BN) with no pads of its own, at
 * the block stride. `second` may instead be an average pool (DBB's avg
 * branch): `pool` set, `second` absent.
 */
export interface SequentialBranchSpec {
  readonly kind: "sequential";
  readonly first: { readonly kernel: KernelSpec; readonly bias?: Float64Array; readonly bn?: BnSpec };
  readonly second?: { readonly kernel: KernelSpec; readonly bias?: Float64Array; readonly bn?: BnSpec };
  readonly pool?: { readonly size: readonly [number, number]; readonly bn?: BnSpec };
  readonly groups: number;
  readonly pads: Pads4;
  readonly role: string;
}

/** kh x kw average pool counting pads (count_include_pad), + BN: DBB's plain avg branch. */
export interface AvgPoolBranchSpec {
  readonly kind: "avgpool";
  readonly size: readonly [number, number];
  readonly pads: Pads4;
  readonly bn?: BnSpec;
  readonly role: string;
}

export type BranchSpec = ConvBranchSpec | IdentityBranchSpec | SequentialBranchSpec | AvgPoolBranchSpec;

/** The families the generator draws from (names as `inspect` reports them). */
export type FamilyName = "repvgg" | "qarepvgg" | "mobileone" | "acnet" | "repconv" | "dbb" | "conv-bn";

/** One random block. */
export interface BlockSpec {
  /** The seed that made it: a failing block is rebuilt from this alone. */
  readonly seed: number;
  readonly family: FamilyName;
  readonly inChannels: number;
  readonly outChannels: number;
  /** [H, W] of x. */
  readonly inputSize: readonly [number, number];
  readonly stride: number;
  readonly branches: readonly BranchSpec[];
  readonly postBn?: BnSpec;
  /** After the block (outside it): nothing, or ReLU. */
  readonly activation: "none" | "relu";
}
