import type { Arch } from "./arch.js";
import { dbbBlock } from "./dbb-block.js";
import { classifierArch } from "./classifier-arch.js";

/** A RepVGG-shaped network of DBB blocks: depths and widths as {@link dbbArch} reads them. */
export interface DbbVariant {
  /** Blocks per stage (after the stem). */
  readonly depths: readonly number[];
  /** Stage widths. */
  readonly widths: readonly number[];
  /** Stem width (3 -> stem, stride 2). */
  readonly stem: number;
  /**
   * Groups on layers 2, 4, ..., 26 counted from 1 after the stem (RepVGG's
   * `optional_groupwise_layers`), or `depthwise`: groups = channels there
   * (those layers are never a stage's first, so in = out).
   */
  readonly groups?: number | "depthwise";
}

/** The DBB variants `architecture()` knows. */
export const DBB_VARIANTS = {
  // RepVGG-A0's layout (widths 48, 96, 192, 1280; depths 2, 4, 14, 1; stem 48).
  "dbb-a0": { depths: [2, 4, 14, 1], widths: [48, 96, 192, 1280], stem: 48 },
  // repvgg-sample's layout: 16 (stem), 16, 32, 64, two blocks per stage.
  "dbb-sample": { depths: [2, 2, 2], widths: [16, 32, 64], stem: 16 },
} as const satisfies Record<string, DbbVariant>;

/** Options of {@link dbbArch}. */
export interface DbbOptions {
  readonly name: string;
  readonly classes?: number;
  readonly inputSize?: number;
}

/**
 * A RepVGG-shaped network whose blocks are DBB's `DiverseBranchBlock`
 * (3x3, ReLU): `stage0` (stem, stride 2), then stages whose first block
 * has stride 2, global average pooling and `linear`. DBB itself ships
 * ResNet/MobileNet/AlexNet backbones; this layout keeps the RepVGG module
 * paths (`stageN.i`) so that every family's files look alike.
 */
export function dbbArch(v: DbbVariant, o: DbbOptions): Arch {
  let c = v.stem;
  const blocks = [dbbBlock({ path: "stage0", inChannels: 3, outChannels: c, stride: 2 })];
  let layer = 1;
  v.depths.forEach((depth, s) => {
    const width = v.widths[s]!;
    for (let i = 0; i < depth; i++, layer++) {
      const grouped = v.groups !== undefined && layer % 2 === 0 && layer <= 26;
      const groups = !grouped ? 1 : v.groups === "depthwise" ? width : v.groups!;
      blocks.push(
        dbbBlock({ path: `stage${s + 1}.${i}`, inChannels: c, outChannels: width, stride: i === 0 ? 2 : 1, groups }),
      );
      c = width;
    }
  });
  return classifierArch("dbb", blocks, c, o);
}
