import { toKernel64, type Kernel, type Kernel64 } from "../../block/kernel.js";
import type { KernelBias } from "../../algebra/fold-batch-norm.js";

/**
 * Composes a 1x1 conv (K1: [M, C/g, 1, 1], bias b1) followed by a kxk conv
 * (K2: [O, M/g, kh, kw], bias b2), both with `groups` groups, into one kxk
 * conv (DBB's 1x1 -> kxk branch), in float64, per group:
 * K[o, c] = sum_m K2[o, m] * K1[m, c]; b[o] = b2[o] + sum_{m, y, x} K2[o, m, y, x] * b1[m].
 * Exact only when the kxk conv sees the 1x1 output padded with the value the
 * 1x1 produces for a zero input (b1, DBB's BNAndPad) or has no padding: the
 * caller checks that.
 */
export function composeSequential(
  first: Kernel,
  b1: ArrayLike<number>,
  second: Kernel,
  b2: ArrayLike<number>,
  groups: number,
): KernelBias {
  const k1 = toKernel64(first);
  const k2 = toKernel64(second);
  const cPer = k1.shape[1];
  const [o, mPer, kh, kw] = k2.shape;
  const hw = kh * kw;
  const oPer = o / groups;
  const data = new Float64Array(o * cPer * hw);
  const bias = new Float64Array(o);
  for (let oc = 0; oc < o; oc++) {
    const g = Math.floor(oc / oPer);
    let bsum = b2[oc]!;
    for (let mi = 0; mi < mPer; mi++) {
      const mc = g * mPer + mi; // absolute mid channel
      const k2base = (oc * mPer + mi) * hw;
      for (let j = 0; j < hw; j++) {
        const w2 = k2.data[k2base + j]!;
        bsum += w2 * b1[mc]!;
        for (let c = 0; c < cPer; c++) data[(oc * cPer + c) * hw + j]! += w2 * k1.data[mc * cPer + c]!;
      }
    }
    bias[oc] = bsum;
  }
  return { kernel: { data, shape: [o, cPer, kh, kw] } as Kernel64, bias };
}
