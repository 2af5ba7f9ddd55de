import { type Block, type FusePlan, type FuseWindow, fuseChannels, fuseInto, narrowBFloat16, narrowFloat16 } from "@reparam/core";
import { littleEndianBytes } from "./_little-endian.js";

/** A float dtype fused tensors are written in. */
export type FusedDtype = "F32" | "F16" | "BF16" | "F64";

function storage(dtype: FusedDtype, n: number): Float32Array | Float64Array | Uint16Array {
  if (dtype === "F32") return new Float32Array(n);
  if (dtype === "F64") return new Float64Array(n);
  return new Uint16Array(n);
}

/**
 * Fuses a planned block straight into the bytes of its deploy weight (OIHW)
 * and bias, little-endian, in `dtype`: each output channel is computed in
 * float64 by core's `fuseChannels` and rounded once (to nearest, ties to even)
 * into the storage dtype, so that neither a float64 kernel nor a second copy
 * ever exists whole.
 *
 * @param window - only output channels [from, to), from a block whose
 *   kernels hold only those rows (core's `FuseWindow`); the bytes are theirs.
 */
export function fuseToBytes(block: Block, plan: FusePlan, dtype: FusedDtype, window?: FuseWindow): { weight: Uint8Array; bias: Uint8Array } {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const per = iPer * kh * kw;
  const from = window?.from ?? 0;
  const rows = (window?.to ?? o) - from;
  const weight = storage(dtype, rows * per);
  const bias = storage(dtype, rows);
  if (weight instanceof Float32Array || weight instanceof Float64Array) {
    // Float storage: core writes it directly (one rounding per value, same result as the row engine).
    fuseInto(block, plan, weight, bias as Float32Array | Float64Array, window);
    return { weight: littleEndianBytes(weight), bias: littleEndianBytes(bias) };
  }
  const narrow = dtype === "F16" ? narrowFloat16 : narrowBFloat16;
  const sink = (oc: number, row: Float64Array, b: number) => {
    const base = (oc - from) * per;
    for (let j = 0; j < per; j++) weight[base + j] = narrow(row[j]!);
    bias[oc - from] = narrow(b);
  };
  fuseChannels(block, plan, sink, undefined, window);
  return { weight: littleEndianBytes(weight), bias: littleEndianBytes(bias) };
}
