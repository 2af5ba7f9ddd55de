import { ReparamError } from "../contract/reparam-error.js";
import { zeroKernel, type Kernel, type Kernel64 } from "../block/kernel.js";

/**
 * Embeds a kernel into a larger KH x KW kernel at an explicit (row, column)
 * offset, zeros elsewhere. The offset comes from the effective pads:
 * (padTop_block - padTop_branch, padLeft_block - padLeft_branch), which is
 * the centre only in the symmetric case (never assume it). With steps, the
 * taps land `stepY` rows and `stepX` columns apart: a kernel at dilation r in
 * a block of dilation 1 is placed with step r (zeros between its taps).
 */
export function placeKernel(
  kernel: Kernel,
  kh: number,
  kw: number,
  offsetY: number,
  offsetX: number,
  stepY = 1,
  stepX = 1,
): Kernel64 {
  const [o, i, h, w] = kernel.shape;
  if (offsetY < 0 || offsetX < 0 || offsetY + (h - 1) * stepY + 1 > kh || offsetX + (w - 1) * stepX + 1 > kw) {
    throw new ReparamError("CORE_BAD_PLACEMENT", "kernel does not fit at the requested offset", {
      expected: `a ${h}x${w} kernel (steps ${stepY}, ${stepX}) inside ${kh}x${kw}`,
      found: `offset (${offsetY}, ${offsetX})`,
    });
  }
  const out = zeroKernel([o, i, kh, kw]);
  for (let p = 0; p < o * i; p++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        out.data[(p * kh + y * stepY + offsetY) * kw + x * stepX + offsetX] = kernel.data[(p * h + y) * w + x]!;
  return out;
}
