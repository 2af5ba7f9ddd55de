import type { Activation, ArchBlock, BlockPlace, Branch } from "./arch.js";
import { joinPath } from "./block-names.js";

/** Arguments of {@link dbbBlock}. */
export interface DbbBlockOptions extends BlockPlace {
  /** Kernel size of the kxk convs and the pool (default 3). */
  readonly kernel?: number;
  /** Internal channels of `dbb_1x1_kxk`; default in channels when groups < out, else twice them. */
  readonly internal?: number;
  readonly activation?: Activation;
}

/** The BN inside a `BNAndPadLayer` at module path `path`. */
export const bnAndPadBn = (path: string): string => `${path}.bn`;

/**
 * A `DiverseBranchBlock` (DingXiaoH/DiverseBranchBlock `__init__`), branches
 * in the order its forward sums them: `dbb_origin` (kxk conv+BN),
 * `dbb_1x1` (1x1 conv+BN at the block's stride, only when groups < out),
 * `dbb_avg` (1x1 conv + BNAndPad + kxk pool + `avgbn` when groups < out,
 * else the padded pool + `avgbn`), `dbb_1x1_kxk` (`idconv1` when the
 * internal width equals the input's, else `conv1`; `bn1` a BNAndPad;
 * `conv2`; `bn2`). Deploy conv `dbb_reparam`; `nonlinear` after the sum.
 */
export function dbbBlock(o: DbbBlockOptions): ArchBlock {
  const k = o.kernel ?? 3;
  const g = o.groups ?? 1;
  const p = (rest: string) => joinPath(o.path, rest);
  const dense = g < o.outChannels;
  const internal = o.internal ?? (dense ? o.inChannels : 2 * o.inChannels);
  const idconv = internal === o.inChannels;
  const kernel = [k, k] as const;
  // Without the 1x1, the pool reads the input and its kernel is the identity's (transV_avg).
  if (!dense && o.inChannels !== o.outChannels)
    throw new Error(`DBB block ${o.path}: groups ${g} = out channels needs in == out channels`);
  const branches: Branch[] = [
    { kind: "conv", kernel, conv: p("dbb_origin.conv"), bias: false, bn: p("dbb_origin.bn") },
  ];
  if (dense) branches.push({ kind: "conv", kernel: [1, 1], conv: p("dbb_1x1.conv"), bias: false, bn: p("dbb_1x1.bn") });
  branches.push(
    dense
      ? { kind: "avg", kernel, conv: p("dbb_avg.conv"), bnAndPad: p("dbb_avg.bn"), bn: p("dbb_avg.avgbn") }
      : { kind: "avg", kernel, bn: p("dbb_avg.avgbn") },
    {
      kind: "sequential",
      kernel,
      internal,
      first: p(idconv ? "dbb_1x1_kxk.idconv1" : "dbb_1x1_kxk.conv1"),
      identityBased: idconv,
      bnAndPad: p("dbb_1x1_kxk.bn1"),
      second: p("dbb_1x1_kxk.conv2"),
      secondBn: p("dbb_1x1_kxk.bn2"),
    },
  );
  return {
    path: o.path,
    inChannels: o.inChannels,
    outChannels: o.outChannels,
    stride: o.stride,
    groups: g,
    branches,
    reparam: p("dbb_reparam"),
    activation: o.activation ?? "relu",
  };
}
