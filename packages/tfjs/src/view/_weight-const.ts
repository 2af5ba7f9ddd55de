import type { ConstRef } from "@reparam/core";
import type { Float32Pool } from "../codec/_float32-pool.js";
import { tfToOihw } from "../codec/_kernel-layout.js";
import type { TfjsWeight } from "../codec/tfjs-weight.js";
import { weightValues } from "../codec/weight-values.js";
import { loadedWeight } from "../codec/lazy-weight.js";

/**
 * How a TF.js weight maps to core's layout: `hwio` conv kernels
 * `[kh, kw, in/groups, out]` become OIHW; `hwcm` depthwise kernels
 * `[kh, kw, C, M]` become OIHW `[C * M, 1, kh, kw]` (groups = C); `flat`
 * per-channel vectors (any shape whose dims but the last are 1) become `[n]`.
 */
export type ConstLayout = "hwio" | "hwcm" | "flat";

/**
 * A {@link ConstRef} over a float32 weight (dequantized as TF.js does), in
 * core's layout, as float32 (core widens it exactly). Values are read and
 * permuted on every call, never cached: the matcher asks once per constant,
 * and the copy lives only while its block is fused. Permuted kernels are
 * taken from `pool` when one is given (see {@link TfjsCandidate.recycle}).
 */
export function weightConst(weight: TfjsWeight, layout: ConstLayout, pool?: Float32Pool): ConstRef {
  const s = weight.shape;
  if (layout === "flat") {
    const n = s.reduce((a, b) => a * b, 1);
    return { shape: [n], values: async () => weightValues(await loadedWeight(weight)) as Float32Array };
  }
  const [kh, kw, i, o] = [s[0]!, s[1]!, s[2]!, s[3]!];
  // HWIO is [P][I][O]; a depthwise [kh, kw, C, M] is [P][1][C * M].
  const dims = layout === "hwio" ? { p: kh * kw, i, o } : { p: kh * kw, i: 1, o: i * o };
  // A kernel left in its shards is read into a pooled array (given back with the block, or once
  // dequantized), and a quantized one dequantized into another: no fresh memory per block.
  const load = async (): Promise<{ read: TfjsWeight; lent?: Float32Array }> => {
    let lent: Float32Array | undefined;
    const read = await loadedWeight(weight, (n) => {
      if (pool === undefined) return undefined;
      lent = pool.take(Math.ceil(n / 4));
      return new Uint8Array(lent.buffer, lent.byteOffset, n);
    });
    if (lent !== undefined && read.bytes.buffer !== lent.buffer) {
      pool!.give(lent); // not used: back at once
      lent = undefined;
    }
    return { read, ...(lent === undefined ? {} : { lent }) };
  };
  // The values as stored (HWIO order): a view of the read bytes when unquantized, else dequantized into a pooled array.
  const stored = async (): Promise<Float32Array> => {
    const { read, lent } = await load();
    if (read.quantization === undefined) return weightValues(read) as Float32Array;
    const n = s.reduce((a, b) => a * b, 1);
    const values = weightValues(read, pool?.take(n)) as Float32Array;
    if (lent !== undefined) pool!.give(lent);
    return values;
  };
  const values = async () => {
    const src = await stored();
    const out = tfToOihw(src, pool?.take(src.length) ?? new Float32Array(src.length), dims);
    pool?.give(src); // the stored order is not needed once permuted (ignored unless pooled)
    return out;
  };
  if (layout === "hwcm") return { shape: [i * o, 1, kh, kw], values };
  // As stored, for core's fuseIntoHwio (a view of the weight's bytes when aligned: read only).
  return {
    shape: [o, i, kh, kw],
    values,
    hwioValues: stored,
  };
}

/** A constant vector of `n` copies of `value` (a BN without gamma or beta). */
export function filledConst(n: number, value: number): ConstRef {
  return { shape: [n], values: () => Promise.resolve(new Float32Array(n).fill(value)) };
}

/** True for a float32 weight of rank 4 (a conv kernel as TF stores it). */
export function isKernelWeight(w: TfjsWeight | undefined): w is TfjsWeight {
  return w !== undefined && w.dtype === "float32" && w.shape.length === 4;
}

/** True for a float32 weight whose dims but the last are all 1 (per-channel or scalar). */
export function isChannelWeight(w: TfjsWeight | undefined): w is TfjsWeight {
  return w !== undefined && w.dtype === "float32" && w.shape.slice(0, -1).every((d) => d === 1);
}
