import type { Pair, RefusalReason } from "@reparam/core";
import type { NamingScheme } from "./schemes/naming-scheme.js";

/** The keys of one BatchNorm (`gamma`/`beta` absent: `affine=False`). */
export interface BatchNormKeys {
  readonly gamma?: string;
  readonly beta?: string;
  readonly mean: string;
  readonly variance: string;
  /** `num_batches_tracked`, dropped when the block is fused. */
  readonly tracked?: string;
}

/** The keys of an affine map y = scale * x + bias (see `NamingScheme.postAffine`). */
export interface AffineKeys {
  readonly scale: string;
  readonly bias: string;
}

/** A branch's factor (see `BranchScale`): the key of its value (none: 1) and its sign. */
export interface ScaleKeys {
  readonly key?: string;
  readonly negate: boolean;
  /** The factor is this row of the 2-D tensor at `key` (OREPA's `vector`). */
  readonly row?: number;
}

/** A conv's keys and kernel shape (OIHW; an `nn.Linear`'s `[O, I]` as `[O, I, 1, 1]`). */
export interface ConvKeys {
  readonly weight: string;
  readonly shape: readonly [number, number, number, number];
  /** An `nn.Linear` weight, stored `[O, I]`. */
  readonly linear?: boolean;
  readonly bias?: string;
  readonly bn?: BatchNormKeys;
  /** DBB's `IdentityBasedConv1x1`: the kernel is the stored weight plus an identity. */
  readonly identityBased?: boolean;
}

/** One conv of a chain branch: its keys and shape, its groups, and the key of a factor on its output. */
export interface ChainStageKeys extends ConvKeys {
  readonly groups: number;
  readonly scale?: string;
  /** A tensor of the kernel's shape added to it (OREPA's `id_tensor`). */
  readonly plus?: string;
  /** The stored layout when not OIHW (`hw`: one kernel for every channel; `ohw`: one per channel). */
  readonly kernelOf?: "hw" | "ohw";
}

/** The kernel of a kh x kw average pool over `shape[0]` channels, made up rather than read (DBB's `transV_avg`). */
export interface AvgKernel {
  readonly avg: true;
  readonly shape: readonly [number, number, number, number];
  readonly bn?: BatchNormKeys;
}

/** One branch of a matched block, by key (groups resolved from shapes). */
export type BranchMatch =
  | {
      readonly kind: "conv";
      readonly conv: ConvKeys;
      readonly groups: number;
      /** From the key name (UniRepLKNet `dil_conv_k5_2`: 2); 1 when absent. */
      readonly dilation?: number;
      readonly scale?: ScaleKeys;
    }
  | { readonly kind: "identity"; readonly bn?: BatchNormKeys; readonly scale?: ScaleKeys }
  | {
      readonly kind: "sequential";
      readonly first: ConvKeys;
      readonly second: ConvKeys | AvgKernel;
      readonly groups: number;
    }
  | { readonly kind: "avgpool"; readonly size: Pair; readonly bn: BatchNormKeys }
  /** Convs one after the other, composed into one conv when the candidate is made (see `ChainRule`). */
  | { readonly kind: "chain"; readonly stages: readonly ChainStageKeys[]; readonly scale?: ScaleKeys };

/**
 * A block found in a state dict by a naming scheme: which keys make each
 * branch, the channels, and what the deploy conv will be called. Shapes only;
 * values are read later.
 */
export interface BlockMatch {
  /** The block prefix without its trailing dot (`backbone.stage1.0`), or `(root)` for an empty prefix. */
  readonly name: string;
  /** The block prefix as found, with its trailing dot (`backbone.stage1.0.`), or `""`. */
  readonly prefix: string;
  readonly scheme: NamingScheme;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Branches in rule order; the first is the scheme's main conv. */
  readonly branches: readonly BranchMatch[];
  readonly postBn?: BatchNormKeys;
  /** An affine map after the sum and `postBn` (PP-LCNetV3's `lab`): its scale and bias keys. */
  readonly postAffine?: AffineKeys;
  /** BatchNorms over the block input before every branch, in the order they apply (RepViT `BN_Linear`). */
  readonly preBn?: readonly BatchNormKeys[];
  /**
   * Keys of `consumed` that other blocks read too (a shared pre-BN, see
   * `NamingScheme.sharedPreBn`), and the deploy weights of every block that
   * reads any of them, directly or through another (this one included,
   * sorted): they fuse together or not at all, and the keys are dropped then.
   */
  readonly shared?: { readonly keys: readonly string[]; readonly by: readonly string[] };
  /**
   * Why the block, matched by its keys, is left as it is (a layer scale
   * that is not per channel, a dilated branch larger than the deploy conv):
   * reported as refused, its keys copied unchanged.
   */
  readonly refusal?: { readonly reason: RefusalReason; readonly message: string };
  /** The deploy weight is an `nn.Linear`'s, written `[O, I]`. */
  readonly linear?: boolean;
  /** Every key the deploy conv replaces (`num_batches_tracked` included). */
  readonly consumed: readonly string[];
  /** Keys of the block kept as they are (the post-BN under `keepPostBn`). */
  readonly kept: readonly string[];
  /** Output names: `${prefix}${scheme.deploy}.weight` and `.bias`. */
  readonly deploy: { readonly weight: string; readonly bias: string };
  /** The main conv's weight key: its dtype and shard are the deploy conv's. */
  readonly anchor: string;
}
