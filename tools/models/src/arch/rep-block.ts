import type { Activation, ArchBlock, BlockPlace, Branch, SqueezeExcite } from "./arch.js";
import { type RepBlockNames, joinPath } from "./block-names.js";

/** Arguments of {@link repBlock}. */
export interface RepBlockOptions extends BlockPlace {
  /** Kernel size of the dense branch (default 3). */
  readonly kernel?: number;
  readonly names: RepBlockNames;
  /** SE with `channels / 16` hidden channels at `se.down` / `se.up` (RepVGG D2se). */
  readonly se?: boolean;
  readonly activation?: Activation;
  /**
   * QARepVGG: the 1x1 branch is a bare conv (`rbr_1x1.weight`), the identity
   * is bare (no BN), and one BN (`bn`) follows the sum.
   */
  readonly quantAware?: boolean;
}

/**
 * A RepVGG-style block: kxk conv+BN, 1x1 conv+BN, and, when in = out
 * channels and stride 1, an identity BN; summed in that order (the official
 * `rbr_dense(x) + rbr_1x1(x) + rbr_identity(x)`).
 */
export function repBlock(o: RepBlockOptions): ArchBlock {
  const k = o.kernel ?? 3;
  const p = (rest: string) => joinPath(o.path, rest);
  const identity = o.inChannels === o.outChannels && o.stride === 1;
  const qa = o.quantAware === true;
  const branches: Branch[] = [
    { kind: "conv", kernel: [k, k], conv: p(o.names.dense.conv), bias: false, bn: p(o.names.dense.bn) },
    qa
      ? { kind: "conv", kernel: [1, 1], conv: p("rbr_1x1"), bias: false }
      : { kind: "conv", kernel: [1, 1], conv: p(o.names.scale.conv), bias: false, bn: p(o.names.scale.bn) },
  ];
  if (identity) branches.push(qa ? { kind: "identity" } : { kind: "identity", bn: p(o.names.identity) });
  const se: SqueezeExcite | undefined =
    o.se === true
      ? { down: p("se.down"), up: p("se.up"), channels: o.outChannels, reduced: Math.floor(o.outChannels / 16) }
      : undefined;
  return {
    path: o.path,
    inChannels: o.inChannels,
    outChannels: o.outChannels,
    stride: o.stride,
    groups: o.groups ?? 1,
    branches,
    reparam: p(o.names.reparam),
    postBn: qa ? p("bn") : undefined,
    se,
    activation: o.activation ?? "relu",
  };
}
