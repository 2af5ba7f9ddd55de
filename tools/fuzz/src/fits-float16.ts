import type { BlockSpec } from "./block-spec.js";
import { magnitudeSpec } from "./map-spec.js";
import { evaluateBlock } from "./reference.js";

/**
 * float16 tops out at 65504: true when the block's magnitude on |x| <= 1
 * stays at most 2^13, so that neither its intermediate values nor its fused
 * weights (each bounded by it) come near the range; else why not. Blocks
 * with BN scales in the hundreds (tiny variances) are left to wider dtypes.
 */
export function fitsFloat16(spec: BlockSpec): true | string {
  const [h, w] = spec.inputSize;
  const ones = { data: new Float64Array(spec.inChannels * h * w).fill(1), shape: [1, spec.inChannels, h, w] as const };
  let m = 0;
  for (const v of evaluateBlock(magnitudeSpec(spec), ones, false).data) m = Math.max(m, v);
  return m <= 2 ** 13 ? true : `magnitude ${m.toExponential(2)} too close to float16's range`;
}
