import type { KernelBias } from "./fold-batch-norm.js";
import type { Kernel64 } from "../block/kernel.js";

/** A branch's kernel and bias and where its kernel lands in the block kernel. */
export interface PlacedBranch extends KernelBias {
  readonly offsetY: number;
  readonly offsetX: number;
  /** Tap steps (a dilated branch in a finer block); absent: 1. */
  readonly stepY?: number;
  readonly stepX?: number;
}

/**
 * Sums branches into one kernel of `shape` (OIHW) and one bias, in float64:
 * W = sum of placed branch kernels, b = sum of branch biases. Every branch
 * kernel must have the block's O and I/groups and fit at its offset.
 */
export function sumBranches(
  parts: readonly PlacedBranch[],
  shape: readonly [number, number, number, number],
): KernelBias {
  const [o, i, kh, kw] = shape;
  const data = new Float64Array(o * i * kh * kw);
  const bias = new Float64Array(o);
  for (const part of parts) {
    const k = part.kernel;
    const [po, pi, h, w] = k.shape;
    const sy = part.stepY ?? 1;
    const sx = part.stepX ?? 1;
    if (
      po !== o ||
      pi !== i ||
      part.offsetY + (h - 1) * sy + 1 > kh ||
      part.offsetX + (w - 1) * sx + 1 > kw ||
      part.offsetY < 0 ||
      part.offsetX < 0
    ) {
      throw new RangeError(
        `branch kernel ${k.shape.join("x")} at (${part.offsetY}, ${part.offsetX}) does not fit ${shape.join("x")}`,
      );
    }
    for (let p = 0; p < o * i; p++) {
      for (let y = 0; y < h; y++) {
        const src = (p * h + y) * w;
        const dst = (p * kh + y * sy + part.offsetY) * kw + part.offsetX;
        for (let x = 0; x < w; x++) data[dst + x * sx]! += k.data[src + x]!;
      }
    }
    for (let c = 0; c < o; c++) bias[c]! += part.bias[c]!;
  }
  return { kernel: { data, shape } as Kernel64, bias };
}
