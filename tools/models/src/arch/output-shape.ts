import type { Arch } from "./arch.js";

/**
 * The output shape of `arch` for one `size` x `size` image, without the
 * batch dim: `[classes]` with a head, else the last feature map `[C, H, W]`
 * (every branch pads k/2, so a block maps H to floor((H - 1) / stride) + 1).
 */
export function outputShape(arch: Arch, size: number): number[] {
  if (arch.head !== undefined) return [arch.head.classes];
  let h = size;
  for (const b of arch.blocks) h = Math.floor((h - 1) / b.stride) + 1;
  const last = arch.blocks[arch.blocks.length - 1];
  return [last === undefined ? arch.inChannels : last.outChannels, h, h];
}
