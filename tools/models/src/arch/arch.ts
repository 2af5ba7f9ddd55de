/**
 * A format-neutral description of a train-time (or deploy-time) model of the
 * RepVGG family: a chain of blocks, each a sum of parallel linear branches
 * over one input, optionally followed by a post-sum BatchNorm, an SE module
 * and an activation; then an optional classifier head. It carries no
 * weights: the emitters draw them from a seed (see `tensorValues`).
 *
 * Names are PyTorch module paths (`stage1.0.rbr_dense.conv`): a state dict's
 * keys are `<path>.weight`, ...; ONNX node names and TF.js layer names are
 * derived from them.
 */
export interface Arch {
  /** Architecture id, e.g. `repvgg-a0`. */
  readonly name: string;
  /** Family, naming the conventions the names follow. */
  readonly family: ArchFamily;
  /** `train`: multi-branch blocks; `deploy`: one conv with bias per block. */
  readonly form: "train" | "deploy";
  /** Input channels (3). */
  readonly inChannels: number;
  /** Default input height = width, in pixels. */
  readonly inputSize: number;
  /** BatchNorm epsilon (not stored in a state dict; written into ONNX and TF.js). */
  readonly bnEps: number;
  readonly blocks: readonly ArchBlock[];
  /** Global average pool + linear classifier; absent for backbones. */
  readonly head?: LinearHead | undefined;
}

/** Families whose key names the generators reproduce. */
export type ArchFamily = "repvgg" | "mobileone" | "qarepvgg" | "acnet" | "yolov7" | "dbb";

/** Non-linearity after a block: `silu` is x * sigmoid(x) (YOLOv7). */
export type Activation = "relu" | "silu" | "none";

/** One re-parameterizable block: `act(se(postBn(sum of branches)))`. */
export interface ArchBlock {
  /** Module path of the block, e.g. `stage1.0`. */
  readonly path: string;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Stride of every branch (square). */
  readonly stride: number;
  /** Groups of every conv branch (a depthwise block has groups = channels). */
  readonly groups: number;
  readonly branches: readonly Branch[];
  /** Full module path of the single conv (with bias) that replaces the branches in deploy form. */
  readonly reparam: string;
  /** BatchNorm applied to the sum (QARepVGG's `bn`): its full module path. */
  readonly postBn?: string | undefined;
  readonly se?: SqueezeExcite | undefined;
  readonly activation: Activation;
}

/**
 * A branch: a conv (kernel `[kh, kw]`, symmetric padding `kh >> 1`,
 * `kw >> 1`, PyTorch style) with an optional bias and an optional BN after
 * it, the identity with or without a BN on the input, or one of DBB's
 * composite branches (1x1 -> kxk, average pool).
 */
export type Branch = ConvBranch | IdentityBranch | SequentialBranch | AvgBranch;

/** A conv branch; `conv` and `bn` are full module paths (`stage1.0.rbr_dense.conv`, `stage1.0.rbr_dense.bn`). */
export interface ConvBranch {
  readonly kind: "conv";
  readonly kernel: readonly [number, number];
  /** Module path of the conv (its keys: `<conv>.weight`, `<conv>.bias`). */
  readonly conv: string;
  readonly bias: boolean;
  /** Module path of the BN after the conv; absent for a bare conv. */
  readonly bn?: string | undefined;
}

/** The block input itself (`bn` absent) or a BN of it (`bn` = full path, `stage1.1.rbr_identity`). */
export interface IdentityBranch {
  readonly kind: "identity";
  readonly bn?: string | undefined;
}

/**
 * DBB's `dbb_1x1_kxk`: a 1x1 conv (stride 1, no bias) to `internal`
 * channels, a `BNAndPadLayer` (BN at `<bnAndPad>.bn`, then padded by
 * (kh >> 1, kw >> 1) with the BN's output for a zero input), then the kxk
 * conv `second` (no bias, no padding of its own, the block's stride) and
 * its BN `secondBn`. Both convs have the block's groups. With
 * `identityBased` the 1x1 is an `IdentityBasedConv1x1` (`idconv1`): its
 * kernel is its stored weight plus an identity (`internal` = in channels).
 */
export interface SequentialBranch {
  readonly kind: "sequential";
  /** Kernel of the kxk conv. */
  readonly kernel: readonly [number, number];
  readonly internal: number;
  /** Module path of the 1x1 conv (`stage1.0.dbb_1x1_kxk.idconv1` or `.conv1`). */
  readonly first: string;
  readonly identityBased: boolean;
  /** Module path of the `BNAndPadLayer` (`stage1.0.dbb_1x1_kxk.bn1`); its BN is `<bnAndPad>.bn`. */
  readonly bnAndPad: string;
  readonly second: string;
  readonly secondBn: string;
}

/**
 * DBB's `dbb_avg`: with `conv` (groups < out channels), a 1x1 conv (stride
 * 1, no bias), a `BNAndPadLayer` at `bnAndPad`, then a kxk average pool
 * (the block's stride, no padding of its own); without, the pool reads the
 * block input with padding (kh >> 1, kw >> 1), counted in the divisor
 * (PyTorch's `count_include_pad`). Then the BN `bn` (`avgbn`).
 */
export interface AvgBranch {
  readonly kind: "avg";
  readonly kernel: readonly [number, number];
  readonly conv?: string | undefined;
  readonly bnAndPad?: string | undefined;
  readonly bn: string;
}

/**
 * Squeeze-and-excite: x * sigmoid(up(relu(down(avgpool(x))))), both 1x1
 * convs with bias; `down` and `up` are full module paths (`stage1.0.se.down`).
 */
export interface SqueezeExcite {
  readonly down: string;
  readonly up: string;
  readonly channels: number;
  readonly reduced: number;
}

/** Global average pooling, then `Linear(inFeatures, classes)` at module path `path`. */
export interface LinearHead {
  readonly path: string;
  readonly inFeatures: number;
  readonly classes: number;
}

/** Where a block sits and its channels: what every block builder takes. */
export interface BlockPlace {
  /** Full module path of the block (`stage1.0`). */
  readonly path: string;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Stride of every branch (square). */
  readonly stride: number;
  /** Groups of every conv branch (default 1). */
  readonly groups?: number;
}
