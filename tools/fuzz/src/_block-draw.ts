import type { BnSpec, BranchSpec, ConvBranchSpec, Pads4, SequentialBranchSpec } from "./block-spec.js";
import { randomBn, randomKernel, randomVector } from "./_random-values.js";
import type { Rng } from "./rng.js";
import { branchPads, type PadMode } from "./same-pads.js";

/** The geometry every branch of one random block shares, and helpers that draw branches with it. */
export class BlockDraw {
  constructor(
    readonly rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly groups: number,
    readonly stride: number,
    readonly inputSize: readonly [number, number],
    readonly padMode: PadMode,
    readonly eps: number,
  ) {}

  /** An identity branch is possible: in == out channels and stride 1. */
  get identityPossible(): boolean {
    return this.inChannels === this.outChannels && this.stride === 1;
  }

  pads(kh: number, kw: number): Pads4 {
    return branchPads(this.padMode, [kh, kw], this.stride, this.inputSize);
  }

  bn(channels = this.outChannels): BnSpec {
    return randomBn(this.rng, channels, this.eps);
  }

  /** A kh x kw conv over the block input (+ BN unless `bn` is false), sometimes with a bias of its own. */
  conv(role: string, kh: number, kw: number, opts: { bn?: boolean; bias?: number } = {}): ConvBranchSpec {
    const { rng, groups } = this;
    const kernel = randomKernel(rng, [this.outChannels, this.inChannels / groups, kh, kw]);
    const bias = rng.bool(opts.bias ?? 0.15) ? { bias: randomVector(rng, this.outChannels) } : {};
    const bn = opts.bn === false ? {} : { bn: this.bn() };
    return { kind: "conv", kernel, ...bias, ...bn, groups, pads: this.pads(kh, kw), dilation: [1, 1], role };
  }

  /** The identity: BN(x), or x itself when `bare`. */
  identity(role: string, bare = false): BranchSpec {
    return bare ? { kind: "identity", role } : { kind: "identity", bn: this.bn(this.inChannels), role };
  }

  /**
   * DBB's 1x1 (M channels, + BN) -> BNAndPad -> k x k conv (+ BN) at the block
   * stride, or -> k x k average pool (+ BN) when `pool`.
   */
  sequential(role: string, k: number, m: number, pool: boolean): SequentialBranchSpec {
    const { rng, groups } = this;
    const first = {
      kernel: randomKernel(rng, [m, this.inChannels / groups, 1, 1]),
      ...(rng.bool(0.9) ? { bn: this.bn(m) } : {}),
    };
    const pads = this.pads(k, k);
    if (pool) return { kind: "sequential", first, pool: { size: [k, k], bn: this.bn() }, groups, pads, role };
    const second = { kernel: randomKernel(rng, [this.outChannels, m / groups, k, k]), bn: this.bn() };
    return { kind: "sequential", first, second, groups, pads, role };
  }

  /** A k x k average pool over the input (count_include_pad) + BN: DBB's avg branch when depthwise. */
  avgpool(role: string, k: number): BranchSpec {
    return { kind: "avgpool", size: [k, k], pads: this.pads(k, k), bn: this.bn(), role };
  }
}
