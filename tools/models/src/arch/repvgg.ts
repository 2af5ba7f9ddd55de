import type { Arch } from "./arch.js";
import { REPVGG_NAMES, TIMM_REPVGG_NAMES } from "./block-names.js";
import { repBlock } from "./rep-block.js";
import { classifierArch } from "./classifier-arch.js";

/** The official RepVGG variants (DingXiaoH/RepVGG `repvgg.py`). */
export const REPVGG_VARIANTS = {
  "repvgg-a0": { depths: [2, 4, 14, 1], a: 0.75, b: 2.5 },
  "repvgg-a1": { depths: [2, 4, 14, 1], a: 1, b: 2.5 },
  "repvgg-a2": { depths: [2, 4, 14, 1], a: 1.5, b: 2.75 },
  "repvgg-b0": { depths: [4, 6, 16, 1], a: 1, b: 2.5 },
  "repvgg-b1": { depths: [4, 6, 16, 1], a: 2, b: 4 },
  "repvgg-b1g2": { depths: [4, 6, 16, 1], a: 2, b: 4, groups: 2 },
  "repvgg-b1g4": { depths: [4, 6, 16, 1], a: 2, b: 4, groups: 4 },
  "repvgg-b2": { depths: [4, 6, 16, 1], a: 2.5, b: 5 },
  "repvgg-b3": { depths: [4, 6, 16, 1], a: 3, b: 5 },
  "repvgg-d2se": { depths: [8, 14, 24, 1], a: 2.5, b: 5, se: true },
} as const satisfies Record<string, RepvggVariant>;

/** Depths and width multipliers of a RepVGG variant. */
export interface RepvggVariant {
  /** Blocks in stages 1-4. */
  readonly depths: readonly number[];
  /** Width multiplier of stages 1-3 (64a, 128a, 256a channels). */
  readonly a: number;
  /** Width multiplier of stage 4 (512b channels). */
  readonly b: number;
  /** Groups on the official `optional_groupwise_layers` 2, 4, ..., 26. */
  readonly groups?: number;
  /** SE (out / 16 hidden) in every block, before the ReLU (D2se). */
  readonly se?: boolean;
}

/** Everything {@link repvggArch} needs besides a variant. */
export interface RepvggOptions {
  readonly name: string;
  /** Explicit stage widths (stages 1-4) and stem width, overriding `a`/`b`. */
  readonly widths?: readonly number[];
  readonly stem?: number;
  readonly classes?: number;
  readonly inputSize?: number;
  /** `official` (`rbr_dense`, ...) or `timm` (`conv_kxk`, ...) block names. */
  readonly naming?: "official" | "timm";
  /** QARepVGG blocks instead of RepVGG ones (bare 1x1 and identity, post-sum BN). */
  readonly quantAware?: boolean;
}

/**
 * A RepVGG network: `stage0` (stem, 3 -> min(64, 64a), stride 2), stages 1-4
 * of `depths` blocks with widths 64a, 128a, 256a, 512b whose first block has
 * stride 2, global average pooling and `linear`. Layers are counted from 1
 * over the blocks after the stem (the official `cur_layer_idx`); with
 * `groups`, layers 2, 4, ..., 26 are grouped.
 */
export function repvggArch(v: RepvggVariant, o: RepvggOptions): Arch {
  const widths = o.widths ?? [64 * v.a, 128 * v.a, 256 * v.a, 512 * v.b].map(Math.floor);
  const names = o.naming === "timm" ? TIMM_REPVGG_NAMES : REPVGG_NAMES;
  const common = { names, se: v.se === true, quantAware: o.quantAware === true };
  let c = o.stem ?? Math.min(64, Math.floor(64 * v.a));
  const blocks = [repBlock({ ...common, path: "stage0", inChannels: 3, outChannels: c, stride: 2 })];
  let layer = 1;
  v.depths.forEach((depth, s) => {
    const width = widths[s]!;
    for (let i = 0; i < depth; i++, layer++) {
      const groups = v.groups !== undefined && layer % 2 === 0 && layer <= 26 ? v.groups : 1;
      blocks.push(
        repBlock({
          ...common,
          path: `stage${s + 1}.${i}`,
          inChannels: c,
          outChannels: width,
          stride: i === 0 ? 2 : 1,
          groups,
        }),
      );
      c = width;
    }
  });
  return classifierArch(o.quantAware === true ? "qarepvgg" : "repvgg", blocks, c, o);
}
