import type { ConvGeometry } from "../block/block.js";
import type { Kernel } from "../block/kernel.js";

/**
 * The conv that stands for a block in a converted model, as stored there:
 * its kernel (OIHW values, widened exactly), its bias (zeros when it has
 * none), its geometry as the converted model states it, and how finely its
 * weights are stored. What `reparam verify` runs against the block's
 * branches, so that a wrong weight in the file is found and named.
 */
export interface DeployConv extends ConvGeometry {
  readonly kernel: Kernel;
  readonly bias: ArrayLike<number>;
  /**
   * Unit roundoff of the dtype the weights are stored in (half an ulp,
   * relative): 2^-24 float32, 2^-11 float16, 2^-8 bfloat16, 2^-53 float64.
   */
  readonly unit: number;
  /**
   * Weights stored on an affine grid (TF.js uint8/uint16 quantization):
   * the largest absolute error a stored kernel or bias value may have
   * against the exact fused one, half a grid step (`scale / 2`), beyond the
   * float32 rounding `unit` covers. Absent for float storage.
   */
  readonly weightStep?: { readonly kernel: number; readonly bias: number };
}

/** Unit roundoff of each float storage dtype: the largest relative error of one rounding to it. */
export const UNIT_ROUNDOFF = { float64: 2 ** -53, float32: 2 ** -24, float16: 2 ** -11, bfloat16: 2 ** -8 } as const;
