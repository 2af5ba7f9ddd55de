/**
 * A conv branch: `${conv}.weight` (OIHW `[O, C/groups, kh, kw]`), an optional
 * `${conv}.bias`, and, when `bn` is given, a BatchNorm at `${bn}.*`
 * (`weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`;
 * `weight` and `bias` may both be absent: an `affine=False` BatchNorm).
 *
 * A path segment `{i}` stands for a `ModuleList` index (`conv_kxk.{i}.conv`):
 * every index found is one branch; `bn` must then use `{i}` too.
 */
export interface ConvRule extends BranchScale {
  readonly conv: string;
  readonly bn?: string;
  /** The block is incomplete without this branch. The first rule is always required. */
  readonly required?: boolean;
  /**
   * An `nn.Linear` (weight `[O, I]`), read as a 1x1 conv `[O, I, 1, 1]`; the
   * deploy weight is written back 2-D (LeViT `Linear_BN`, RepViT `BN_Linear`).
   * On the first rule, a prefix whose weight is not 2-D is no block.
   */
  readonly linear?: boolean;
  /**
   * First rule only: a prefix whose main kernel is smaller than this (either
   * side) is another module, not a block (PP-YOLOE's CSP stages also have a
   * 1x1 `conv1` beside a `conv2`, not summed).
   */
  readonly minKernel?: number;
  /**
   * The branch's kernel is k x k in this family (YOLOv9's and PP-YOLOE's 1x1
   * `conv2`): under a prefix where it has another size, the prefix is another
   * module (a CSP block's `conv1` -> `conv2` in sequence), not a block.
   */
  readonly kernel?: number;
  /**
   * First rule only: a prefix whose main kernel is not depthwise (`shape[1]`
   * 1) is another module, not a block (RepCPE's positional conv always is).
   */
  readonly depthwise?: boolean;
  /**
   * The branch's dilation (RepNeXt's 2x2 `conv_2_2` at dilation 2, centred
   * on its 3x3 extent); default 1, or what the path's `{r}` gives.
   */
  readonly dilation?: number;
  /**
   * `conv` names a bare parameter, the kernel's own key (OREPA's
   * `weight_orepa_origin`), not a module with `.weight` and `.bias`.
   */
  readonly bare?: boolean;
}

/**
 * A factor on a branch's output, composed into its BatchNorm in float64
 * (`gamma' = gamma * s`, `beta' = beta * s`; a branch without BatchNorm gets
 * gamma = s, beta = 0, mean = 0, var = 1, eps = 0).
 */
export interface BranchScale {
  /**
   * Key (relative to the block prefix) of the factor: PP-YOLOE's `alpha`,
   * FastViT's `layer_scale.gamma`. One value, or one per output channel
   * as it broadcasts over NCHW (`[O, 1, 1]`, `[1, O, 1, 1]`); another shape
   * refuses the block. An absent key is 1 unless `scaleRequired`.
   */
  readonly scale?: string;
  /**
   * The `scale` key marks the family (PP-YOLOE's `alpha`): a prefix without
   * it is not a block of this scheme (its keys pass through), not a broken one.
   */
  readonly scaleRequired?: boolean;
  /** The factor is row r of the 2-D `scale` tensor `[R, O]` (OREPA's `vector[r]`). */
  readonly scaleRow?: number;
  /** The branch is subtracted (FastViT RepMixer's `- norm(x)`). */
  readonly negate?: boolean;
}

/** A BatchNorm over the block input (identity kernel scaled by the BN) at `${identity}.*`. */
export interface IdentityRule extends BranchScale {
  readonly identity: string;
  readonly required?: boolean;
}

/**
 * The block input itself (QARepVGG's `nn.Identity()`), which has no keys:
 * present exactly when the block has as many input as output channels (the
 * family creates it when `in == out` and stride 1). `bareIdentity` names the
 * module, which must hold no key.
 */
export interface BareIdentityRule extends BranchScale {
  readonly bareIdentity: string;
  /**
   * The family always adds X (RepCPE's `x + pe(x)`, RepViT's `RepVggDw`,
   * RepMixer): the block has in == out channels whatever its kernels read,
   * so a depthwise kernel `[O, 1, k, k]` is read with groups O.
   */
  readonly always?: boolean;
}

/**
 * 1x1 conv (+BN) -> kxk conv (+BN), DBB's `dbb_1x1_kxk`; the kxk conv's input is
 * padded with what the 1x1 + BN gives for a zero input (DBB's `BNAndPadLayer`).
 * `identityBased`: the 1x1 is DBB's `IdentityBasedConv1x1`, whose kernel is its
 * stored weight plus an identity.
 */
export interface SequentialRule {
  readonly sequential: {
    readonly first: string;
    readonly firstBn?: string;
    readonly identityBased?: boolean;
    readonly second: string;
    readonly secondBn?: string;
  };
  readonly required?: boolean;
}

/**
 * Average pool over the block's kernel size (count_include_pad) then a
 * BatchNorm at `${bn}.*`, DBB's `dbb_avg`. With `conv` present in the file,
 * a 1x1 conv (+BN at `convBn`, padded with its own output like
 * `BNAndPadLayer`) comes first: `dbb_avg.conv` -> `dbb_avg.bn` -> avg -> `avgbn`.
 * Without it the pool reads the block input (in == out channels).
 */
export interface AvgPoolRule {
  readonly avgpool: {
    readonly bn: string;
    readonly conv?: string;
    readonly convBn?: string;
  };
  readonly required?: boolean;
}

/** One conv of a {@link ChainRule}. */
export interface ChainStageRule {
  /** Module path of the conv. */
  readonly conv: string;
  /** Its kernel's parameter name (default `weight`; ECBSR's `k0`, `k1`, `mask`). */
  readonly weight?: string;
  /** Its bias's parameter name (default `bias`), used when present. */
  readonly bias?: string;
  /** Module path of a BatchNorm after the conv. */
  readonly bn?: string;
  /**
   * Parameter name of a factor on the conv's output before its bias, one
   * value or one per output channel (ECBSR's `scale` `[O, 1, 1, 1]` on `mask`).
   */
  readonly scale?: string;
  /** `conv` names a bare parameter, the kernel's own key (OREPA's `weight_orepa_avg_conv`). */
  readonly bare?: boolean;
  /**
   * The stored kernel is not OIHW: `hw` one kh x kw kernel for every channel
   * (depthwise; OREPA's `weight_orepa_avg_avg`), `ohw` one per channel
   * (depthwise; OREPA's `weight_orepa_prior`).
   */
  readonly kernelOf?: "hw" | "ohw";
  /** Key (relative to the block prefix) of a tensor of the kernel's shape added to it (OREPA's `id_tensor`). */
  readonly plus?: string;
}

/**
 * Convs applied one after the other (SPAN's `conv.0` -> `conv.1` -> `conv.2`,
 * ECBSR's `k0` -> `k1`, RepNeXt's 1 x k -> k x 1), read as x padded with
 * zeros by the chain's centred extent, then every conv unpadded: what SPAN
 * computes (`conv(F.pad(x, 1))`), and ECBSR too (its 1x1 output padded with
 * `b0`, the 1x1's value on a zero border); for convs without bias it is the
 * same as each padding its own input with zeros. Composed by core's
 * `composeChain` in float64, stride 1. The branch is there when the first
 * conv's kernel is; then every part must be.
 */
export interface ChainRule extends BranchScale {
  readonly chain: readonly [ChainStageRule, ChainStageRule, ...ChainStageRule[]];
  readonly required?: boolean;
}

/** One kind of parallel branch of a block, as a naming scheme names it. */
export type BranchRule = ConvRule | IdentityRule | BareIdentityRule | SequentialRule | AvgPoolRule | ChainRule;

/**
 * How a family names a block's tensors in a state dict, relative to the
 * block's prefix (`backbone.stage1.0.`), and what the deploy conv is called.
 * Shapes, not names, decide kernel sizes and groups; padding is the family
 * convention for odd kernels: kh x kw pads (kh // 2, kw // 2).
 *
 * Paths are dot-separated names (`[A-Za-z0-9_]+`) with at most one `{i}`.
 */
export interface NamingScheme {
  /** Scheme name (`repvgg`, `timm-mobileone`, ...), what `options.scheme` selects. */
  readonly name: string;
  /** Family reported for each block (`repvgg`, `mobileone`, `acnet`, `qarepvgg`, `dbb`). */
  readonly family: string;
  /**
   * Module path of the deploy conv: `${deploy}.weight` and `${deploy}.bias`
   * are written. `""`: the whole block module is replaced by the conv
   * (RepViT), `${prefix}weight`. It may be the main conv's own path
   * (UniRepLKNet `lk_origin`): that key is consumed and written fused.
   */
  readonly deploy: string;
  /**
   * The parallel branches. The first is a {@link ConvRule}: each key of its
   * weight (suffix match) makes one block, whose prefix is what precedes it.
   */
  readonly branches: readonly [ConvRule, ...BranchRule[]];
  /** Module path of a BatchNorm after the sum (QARepVGG `bn`), folded in (or kept, option `keepPostBn`). */
  readonly postBn?: string;
  /**
   * Module path of an affine map after the sum (and after `postBn`), y =
   * scale * x + bias, with keys `${postAffine}.scale` and `.bias`, each one
   * value or one per output channel (PaddleOCR's `LearnableAffineBlock`
   * `lab` of PP-LCNetV3): folded into the deploy conv. A block has it or not.
   */
  readonly postAffine?: string;
  /**
   * First path segments that other modules also use (timm's `identity`):
   * keys under them outside a block are passed through, not errors. The
   * `postBn` segment is always generic.
   */
  readonly genericRoots?: readonly string[];
  /**
   * Module path of a BatchNorm over the block input, before every branch
   * (RepViT `BN_Linear`'s `bn`): folded into the fused conv, which must have no padding.
   * Several paths: BatchNorms applied in this order, those present composed
   * (Next-ViT's `norm1`, then `e_mhsa.norm` after a pooling that commutes with both).
   */
  readonly preBn?: string | readonly string[];
  /**
   * The pre-BNs also feed other blocks of the scheme (Next-ViT's `norm1`
   * before `e_mhsa.q`, `.k` and `.v`): their keys may be read by several
   * blocks, and are dropped only when every block that reads them fuses.
   */
  readonly sharedPreBn?: boolean;
  /**
   * A key looks like part of a block when it is under one of the rules'
   * module paths (`mlp.fc1.`), not under their first segment (`mlp.`): for
   * blocks whose modules sit beside others of one parent (Next-ViT's
   * `mlp.fc1` beside `mlp.fc2`).
   */
  readonly moduleRoots?: boolean;
  /**
   * Keys (relative to the block prefix) of which at least one must exist for
   * a prefix to be a block (RepViT: `conv1.weight` or `conv1.c.weight`, the
   * 1x1 that tells a `RepVggDw` from a plain `Conv2d_BN` called `conv`);
   * without any, the prefix is another module and its keys pass through.
   */
  readonly markedBy?: readonly string[];
  /** Keys (relative to the block prefix) of which none may exist for a prefix to be a block of this form. */
  readonly notMarkedBy?: readonly string[];
  /**
   * The train-time checkpoint carries the deploy conv too, stale (SPAN's
   * `eval_conv`, refreshed only when the module runs in eval mode): its
   * keys are consumed and written anew from the branches, never read.
   */
  readonly staleDeploy?: boolean;
  /** BatchNorm eps of the family (YOLOv9: 1e-3), used when the user gives none. */
  readonly eps?: number;
  /**
   * Other forms of the family's blocks in the same state dict (LeViT
   * `Linear_BN` beside RepViT `BN_Linear`; RepViT's legacy `RepVggDw`): each
   * is matched like the scheme itself, with this scheme's name, family and eps.
   * A key used by two forms is an error.
   */
  readonly variants?: readonly NamingSchemeForm[];
}

/** One more form of a scheme's blocks (see `NamingScheme.variants`). */
export type NamingSchemeForm = Pick<
  NamingScheme,
  | "deploy"
  | "branches"
  | "postBn"
  | "postAffine"
  | "preBn"
  | "sharedPreBn"
  | "moduleRoots"
  | "genericRoots"
  | "markedBy"
  | "notMarkedBy"
  | "staleDeploy"
>;

/** Identity helper that types a naming scheme written in TypeScript. */
export function defineNamingScheme<const S extends NamingScheme>(scheme: S): S {
  return scheme;
}
