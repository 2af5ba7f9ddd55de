import type { BatchNorm } from "../block/batch-norm.js";
import type { FusePlan, Placement } from "../block/fuse-plan.js";
import { type BranchAccumulator, unsupported } from "../engine/branch-accumulator.js";
import { affineOf } from "./_affine.js";

/** Identity (1x1) and avg-pool (kh x kw) branches: `value` on each channel's own input, scaled by the BN. */
export class DiagonalAccumulator implements BranchAccumulator {
  readonly covers = false;
  readonly touches = true;
  private readonly bnScale: Float64Array | undefined;
  private readonly shift: Float64Array | undefined;

  constructor(
    private readonly size: readonly [number, number],
    private readonly value: number,
    bn: BatchNorm | undefined,
    private readonly p: Placement,
    private readonly plan: FusePlan,
    where: string,
  ) {
    const a = affineOf(bn, where);
    this.bnScale = a.scale;
    this.shift = a.shift;
  }

  scale(oc: number): number {
    return this.bnScale === undefined ? this.value : this.value * this.bnScale[oc]!;
  }

  bias(oc: number): number {
    return this.shift === undefined ? 0 : this.shift[oc]!;
  }

  add(oc: number, row: Float64Array): number {
    const v = this.scale(oc);
    const [, iPer, kh, kw] = this.plan.kernelShape;
    const i = oc % iPer; // the output channel reads its own input channel
    for (let y = 0; y < this.size[0]; y++)
      for (let x = 0; x < this.size[1]; x++) row[(i * kh + y + this.p.offsetY) * kw + x + this.p.offsetX]! += v;
    return this.bias(oc);
  }

  point(oc: number): { readonly at: number; readonly value: number } | undefined {
    if (this.size[0] !== 1 || this.size[1] !== 1) return undefined;
    const [, iPer, kh, kw] = this.plan.kernelShape;
    return { at: ((oc % iPer) * kh + this.p.offsetY) * kw + this.p.offsetX, value: this.scale(oc) };
  }

  touch(oc: number, list: Int32Array, n: number): number {
    const [, iPer, kh, kw] = this.plan.kernelShape;
    const i = oc % iPer;
    let k = n;
    for (let y = 0; y < this.size[0]; y++)
      for (let x = 0; x < this.size[1]; x++) list[k++] = (i * kh + y + this.p.offsetY) * kw + x + this.p.offsetX;
    return k;
  }

  assign = unsupported;
  direct = unsupported;
  gather = unsupported;
  gatherStrided = unsupported;
}
