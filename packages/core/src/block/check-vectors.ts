import { batchNormAffine } from "./batch-norm.js";
import type { Vectors } from "../branch/branch-kind.js";
import { kindOf } from "../branch/branch-kinds.js";
import type { Block } from "./block.js";
import type { KernelShape } from "./kernel.js";
import { isReparamError } from "../contract/reparam-error.js";
import { refusal, type Refusal } from "./refusal.js";

function vectorsOf(block: Block<KernelShape>, outChannels: number): Vectors[] {
  const list: Vectors[] = [
    { where: "post-BN", channels: outChannels, bn: block.postBn },
    { where: "pre-BN", channels: block.inChannels, bn: block.preBn },
  ];
  block.branches.forEach((b, i) => list.push(...kindOf(b).vectors(b, i, block.inChannels)));
  return list;
}

function firstNonFinite(v: ArrayLike<number>): number {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return i;
  return -1;
}

/**
 * Every BatchNorm and bias of a block has one value per channel it applies to
 * (a post-sum BN: the block's output channels), holds finite numbers only,
 * and has var + eps > 0. A vector of another length would be read past its
 * end (NaN in every channel beyond it); a non-finite one would put NaN or an
 * infinity into the fused weights. Either refuses the block.
 */
export function checkVectors(block: Block<KernelShape>, outChannels: number): Refusal | undefined {
  for (const { where, channels, bn, bias } of vectorsOf(block, outChannels)) {
    const at = `${block.name} ${where}`;
    if (bias !== undefined) {
      if (bias.length !== channels)
        return refusal(
          block.name,
          "CHANNEL_MISMATCH",
          `${at}: bias has ${bias.length} values for ${channels} channels`,
        );
      const i = firstNonFinite(bias);
      if (i >= 0) return refusal(block.name, "NON_FINITE", `${at}: bias[${i}] is ${bias[i]}`);
    }
    if (bn === undefined) continue;
    for (const [name, v] of [
      ["gamma", bn.gamma],
      ["beta", bn.beta],
      ["mean", bn.mean],
      ["variance", bn.variance],
    ] as const) {
      if (v.length !== channels)
        return refusal(
          block.name,
          "CHANNEL_MISMATCH",
          `${at}: BatchNorm ${name} has ${v.length} values for ${channels} channels`,
        );
      const i = firstNonFinite(v);
      if (i >= 0) return refusal(block.name, "BAD_BATCH_NORM", `${at}: BatchNorm ${name}[${i}] is ${v[i]}`);
    }
    if (!Number.isFinite(bn.eps) || bn.eps < 0)
      return refusal(block.name, "BAD_BATCH_NORM", `${at}: BatchNorm eps is ${bn.eps}`);
    try {
      batchNormAffine(bn, at);
    } catch (e) {
      if (isReparamError(e)) return refusal(block.name, "BAD_BATCH_NORM", e.message);
      throw e;
    }
  }
  return undefined;
}
