import { zeroKernel, toKernel64, type Kernel, type Kernel64 } from "../block/kernel.js";

/**
 * Re-expresses a kernel of a conv with `from` groups as the kernel of a conv
 * with `to` groups, where `to` divides `from` (to = 1: a dense kernel). Each
 * new group holds from/to old groups on its block diagonal; the rest is zero.
 */
export function expandGroups(kernel: Kernel, from: number, to: number): Kernel64 {
  if (from === to) return toKernel64(kernel);
  if (to <= 0 || from % to !== 0) throw new RangeError(`cannot expand ${from} groups to ${to}`);
  const [o, iPer, kh, kw] = kernel.shape;
  const oPer = o / from;
  const ratio = from / to;
  const newIPer = iPer * ratio;
  const out = zeroKernel([o, newIPer, kh, kw]);
  const hw = kh * kw;
  for (let oc = 0; oc < o; oc++) {
    const oldGroup = Math.floor(oc / oPer);
    const slot = oldGroup % ratio; // position of the old group inside the new one
    for (let i = 0; i < iPer; i++) {
      const src = (oc * iPer + i) * hw;
      const dst = (oc * newIPer + slot * iPer + i) * hw;
      for (let j = 0; j < hw; j++) out.data[dst + j] = kernel.data[src + j]!;
    }
  }
  return out;
}
