import { zeroKernel, type Kernel64 } from "../../block/kernel.js";

/**
 * The kernel of y = x for a conv with `channels` in and out channels and
 * `groups` groups: I[o, o mod (C/g), cy, cx] = 1 (depthwise: groups = C).
 * Shape [C, C/g, kh, kw]; (cy, cx) is the placement of the input pixel the
 * output reads, from the effective pads (the centre only when symmetric).
 */
export function identityKernel(channels: number, groups: number, kh = 1, kw = 1, cy = 0, cx = 0): Kernel64 {
  const per = channels / groups;
  const k = zeroKernel([channels, per, kh, kw]);
  for (let o = 0; o < channels; o++) k.data[((o * per + (o % per)) * kh + cy) * kw + cx] = 1;
  return k;
}
