import { batchNormAffine, type BatchNorm } from "../block/batch-norm.js";

/** A branch's per-channel BN factors; both undefined without a BN. */
export interface Affine {
  readonly scale: Float64Array | undefined; // undefined: 1
  readonly shift: Float64Array | undefined; // undefined: 0
}

/** The affine map of an optional BatchNorm (y = scale x + shift), computed once per block. */
export const affineOf = (bn: BatchNorm | undefined, where: string): Affine =>
  bn === undefined ? { scale: undefined, shift: undefined } : batchNormAffine(bn, where);
