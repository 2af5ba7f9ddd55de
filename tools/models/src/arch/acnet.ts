import type { Arch, ArchBlock } from "./arch.js";
import { classifierArch } from "./classifier-arch.js";

/** Options of {@link acnetArch}. */
export interface AcnetOptions {
  readonly name: string;
  /** Stem width, then per-stage widths and depths (first block of each stage at stride 2). */
  readonly stem?: number;
  readonly widths?: readonly number[];
  readonly depths?: readonly number[];
  readonly classes?: number;
  readonly inputSize?: number;
}

/**
 * One ACNet `ACBlock` (DingXiaoH/ACNet `acb.py`): square kxk conv+BN,
 * vertical kx1 conv+BN (pad (k/2, 0)), horizontal 1xk conv+BN (pad
 * (0, k/2)), summed in that order; `fused_conv` in deploy form; ReLU after.
 */
export function acBlock(path: string, cin: number, cout: number, stride: number, k = 3): ArchBlock {
  const branch = (conv: string, bn: string, kernel: readonly [number, number]) =>
    ({ kind: "conv", kernel, conv: `${path}.${conv}`, bias: false, bn: `${path}.${bn}` }) as const;
  return {
    path,
    inChannels: cin,
    outChannels: cout,
    stride,
    groups: 1,
    branches: [
      branch("square_conv", "square_bn", [k, k]),
      branch("ver_conv", "ver_bn", [k, 1]),
      branch("hor_conv", "hor_bn", [1, k]),
    ],
    reparam: `${path}.fused_conv`,
    activation: "relu",
  };
}

/**
 * A small VGG-style network of ACBlocks: `stem` (3 -> 32, stride 2), stages
 * of widths [64, 128, 256, 512] and depths [1, 2, 2, 2] whose first block
 * has stride 2, global average pooling and `linear`.
 */
export function acnetArch(o: AcnetOptions): Arch {
  const widths = o.widths ?? [64, 128, 256, 512];
  const depths = o.depths ?? [1, 2, 2, 2];
  let c = o.stem ?? 32;
  const blocks = [acBlock("stem", 3, c, 2)];
  depths.forEach((depth, s) => {
    for (let i = 0; i < depth; i++) {
      blocks.push(acBlock(`stage${s + 1}.${i}`, c, widths[s]!, i === 0 ? 2 : 1));
      c = widths[s]!;
    }
  });
  return classifierArch("acnet", blocks, c, o);
}
