import type { Arch, ArchBlock, ArchFamily } from "./arch.js";

/** What every classifier builder takes besides its own shape options. */
export interface ClassifierOptions {
  readonly name: string;
  /** Default 1000 (ImageNet). */
  readonly classes?: number;
  /** Default 224. */
  readonly inputSize?: number;
}

/**
 * A train-form classifier over RGB input: `blocks`, then global average
 * pooling and `linear` over the last block's `channels`; BN eps 1e-5
 * (PyTorch's default).
 */
export function classifierArch(
  family: ArchFamily,
  blocks: readonly ArchBlock[],
  channels: number,
  o: ClassifierOptions,
): Arch {
  return {
    name: o.name,
    family,
    form: "train",
    inChannels: 3,
    inputSize: o.inputSize ?? 224,
    bnEps: 1e-5,
    blocks,
    head: { path: "linear", inFeatures: channels, classes: o.classes ?? 1000 },
  };
}
