import { zeroKernel, type Kernel64 } from "../../block/kernel.js";

/**
 * The kernel of a kh x kw average pool that counts padding (ONNX
 * count_include_pad = 1, PyTorch's default): 1 / (kh * kw) on each channel's
 * own input, as a conv with `groups` groups over `channels` channels.
 */
export function avgPoolKernel(channels: number, groups: number, kh: number, kw: number): Kernel64 {
  const per = channels / groups;
  const k = zeroKernel([channels, per, kh, kw]);
  const v = 1 / (kh * kw);
  for (let o = 0; o < channels; o++) {
    const base = (o * per + (o % per)) * kh * kw;
    for (let j = 0; j < kh * kw; j++) k.data[base + j] = v;
  }
  return k;
}
