import type { Arch, ArchBlock } from "./arch.js";
import { deployArch } from "./deploy-arch.js";

/** Options of {@link paramCount}. */
export interface ParamCountOptions {
  /**
   * Count BN running mean and variance too (4 per channel instead of 2).
   * Default false: RepVGG's published counts (A0 9.11M train, 8.31M deploy)
   * count a BN's learnable weight and bias only, like `sum(p.numel() for p
   * in model.parameters())`. `num_batches_tracked` is never counted.
   */
  readonly bnBuffers?: boolean;
}

/** Learnable parameters of an architecture in the form it is in (train or deploy). */
export function paramCount(arch: Arch, options: ParamCountOptions = {}): number {
  const perBn = options.bnBuffers === true ? 4 : 2;
  let n = 0;
  for (const b of arch.blocks) n += blockParams(b, perBn);
  if (arch.head !== undefined) n += arch.head.inFeatures * arch.head.classes + arch.head.classes;
  return n;
}

/** Parameters of the train form and of the deploy form (see {@link deployArch}). */
export function paramCounts(arch: Arch, options: ParamCountOptions = {}): { train: number; deploy: number } {
  return { train: paramCount(arch, options), deploy: paramCount(deployArch(arch), options) };
}

function blockParams(b: ArchBlock, perBn: number): number {
  let n = 0;
  const cin = b.inChannels / b.groups;
  for (const br of b.branches) {
    if (br.kind === "identity") {
      if (br.bn !== undefined) n += perBn * b.inChannels;
      continue;
    }
    if (br.kind === "sequential") {
      // 1x1 (IdentityBasedConv1x1's identity is a constant, not a parameter), BNAndPad's BN, kxk, BN.
      n += br.internal * cin + perBn * br.internal;
      n += b.outChannels * (br.internal / b.groups) * br.kernel[0] * br.kernel[1] + perBn * b.outChannels;
      continue;
    }
    if (br.kind === "avg") {
      if (br.conv !== undefined) n += b.outChannels * cin + perBn * b.outChannels;
      n += perBn * b.outChannels;
      continue;
    }
    n += b.outChannels * (b.inChannels / b.groups) * br.kernel[0] * br.kernel[1];
    if (br.bias) n += b.outChannels;
    if (br.bn !== undefined) n += perBn * b.outChannels;
  }
  if (b.postBn !== undefined) n += perBn * b.outChannels;
  if (b.se !== undefined) n += 2 * b.se.channels * b.se.reduced + b.se.reduced + b.se.channels;
  return n;
}
