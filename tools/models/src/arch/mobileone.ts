import type { Arch, ArchBlock, Branch } from "./arch.js";
import { APPLE_MOBILEONE_NAMES, type MobileOneNames, TIMM_MOBILEONE_NAMES, joinPath } from "./block-names.js";
import { classifierArch } from "./classifier-arch.js";

/** Apple ml-mobileone `PARAMS` (4 kxk branches for S0, 1 otherwise; SE for S4). */
export const MOBILEONE_VARIANTS = {
  "mobileone-s0": { widths: [0.75, 1.0, 1.0, 2.0], branches: 4 },
  "mobileone-s1": { widths: [1.5, 1.5, 2.0, 2.5], branches: 1 },
  "mobileone-s2": { widths: [1.5, 2.0, 2.5, 4.0], branches: 1 },
  "mobileone-s3": { widths: [2.0, 2.5, 3.0, 4.0], branches: 1 },
  "mobileone-s4": { widths: [3.0, 3.5, 3.5, 4.0], branches: 1, se: true },
} as const satisfies Record<string, MobileOneVariant>;

/** Width multipliers of stages 1-4, kxk branch count, SE. */
export interface MobileOneVariant {
  readonly widths: readonly number[];
  readonly branches: number;
  readonly se?: boolean;
  /** Blocks per stage; default the official [2, 8, 10, 1]. */
  readonly depths?: readonly number[];
}

/** Options of {@link mobileOneArch}. */
export interface MobileOneOptions {
  readonly name: string;
  readonly classes?: number;
  readonly inputSize?: number;
  /** `apple` (`rbr_conv.0`, `rbr_scale`, `rbr_skip`) or `timm` (`conv_kxk.0`, `conv_scale`, `identity`). */
  readonly naming?: "apple" | "timm";
}

interface BlockArgs {
  readonly path: string;
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  readonly groups: number;
  readonly branches: number;
  readonly se: boolean;
}

/**
 * One MobileOneBlock, summed as the official forward does: scale (1x1,
 * only when k > 1), skip (BN, when in = out and stride 1), then the kxk convs.
 */
function block(a: BlockArgs, n: MobileOneNames): ArchBlock {
  const p = (rest: string) => joinPath(a.path, rest);
  const branches: Branch[] = [];
  if (a.k > 1) branches.push({ kind: "conv", kernel: [1, 1], conv: p(n.scale.conv), bias: false, bn: p(n.scale.bn) });
  if (a.cin === a.cout && a.stride === 1) branches.push({ kind: "identity", bn: p(n.skip) });
  for (let i = 0; i < a.branches; i++) {
    branches.push({ kind: "conv", kernel: [a.k, a.k], conv: p(n.conv(i).conv), bias: false, bn: p(n.conv(i).bn) });
  }
  return {
    path: a.path,
    inChannels: a.cin,
    outChannels: a.cout,
    stride: a.stride,
    groups: a.groups,
    branches,
    reparam: p(n.reparam),
    se: a.se
      ? { down: p(n.se.down), up: p(n.se.up), channels: a.cout, reduced: Math.floor(a.cout * 0.0625) }
      : undefined,
    activation: "relu",
  };
}

/**
 * MobileOne (Apple ml-mobileone): `stage0` (3 -> min(64, 64 w0), 3x3
 * stride 2, one kxk branch), stages 1-4 of [2, 8, 10, 1] units of widths
 * 64 w0, 128 w1, 256 w2, 512 w3; a unit is a depthwise 3x3 block
 * (`stageN.(2i)`, stride 2 for the first unit) then a pointwise 1x1 block
 * (`stageN.(2i+1)`). With SE: the last half of stage 3's units and all of
 * stage 4's, reduced to channels / 16.
 */
export function mobileOneArch(v: MobileOneVariant, o: MobileOneOptions): Arch {
  const n = o.naming === "timm" ? TIMM_MOBILEONE_NAMES : APPLE_MOBILEONE_NAMES;
  const depths = v.depths ?? [2, 8, 10, 1];
  const widths = [64, 128, 256, 512].map((w, i) => Math.floor(w * v.widths[i]!));
  let c = Math.min(64, Math.floor(64 * v.widths[0]!));
  const blocks = [block({ path: "stage0", cin: 3, cout: c, k: 3, stride: 2, groups: 1, branches: 1, se: false }, n)];
  depths.forEach((depth, s) => {
    const seUnits = v.se === true ? (s === 2 ? Math.floor(depth / 2) : s === 3 ? depth : 0) : 0;
    for (let i = 0; i < depth; i++) {
      const se = i >= depth - seUnits;
      const base = { branches: v.branches, se };
      blocks.push(
        block(
          { ...base, path: `stage${s + 1}.${2 * i}`, cin: c, cout: c, k: 3, stride: i === 0 ? 2 : 1, groups: c },
          n,
        ),
      );
      blocks.push(
        block({ ...base, path: `stage${s + 1}.${2 * i + 1}`, cin: c, cout: widths[s]!, k: 1, stride: 1, groups: 1 }, n),
      );
      c = widths[s]!;
    }
  });
  return classifierArch("mobileone", blocks, c, o);
}
