import { batchNormAffine, type BatchNorm } from "../block/batch-norm.js";
import type { Branch } from "../block/block.js";
import { SequentialAccumulator } from "./sequential/sequential-accumulator.js";
import type { Placement } from "../block/block-geometry.js";
import type { FusePlan } from "../block/plan-block.js";

interface Affine {
  readonly scale: Float64Array | undefined; // undefined: 1
  readonly shift: Float64Array | undefined; // undefined: 0
}

const affineOf = (bn: BatchNorm | undefined, where: string): Affine => (bn === undefined ? { scale: undefined, shift: undefined } : batchNormAffine(bn, where));

/**
 * One branch, prepared once per block. `add` is enough for the generic
 * engine; the rest lets the engine skip work:
 * - a branch that `covers` the whole row (same kernel size and groups as the
 *   block) can `assign` it, or write a channel `direct`ly into the output,
 *   and give its float64 values at listed positions (`gather`);
 * - a branch that `touches` few positions can list them (`touch`).
 * A conv branch's kernel may hold only a window of output channels (rows
 * `rowBase`.. of the block's): channel o is then its row o - rowBase.
 * Implemented as classes, not per-block closures: the optimizing compiler
 * then keeps one compiled copy per branch kind instead of deoptimizing on
 * every new block's closures.
 */
export interface BranchAccumulator {
  /** Adds channel o of the branch into the row [in/groups, kh, kw]; returns the branch's bias for o. */
  add(o: number, row: Float64Array): number;
  readonly covers: boolean;
  /** Only when `covers`: writes the whole row (no zeroing needed); returns the bias. */
  assign(o: number, row: Float64Array): number;
  /** Only when `covers`: out[base + j] = (w_j t) * post for every j of the row; returns the bias. */
  direct(o: number, out: Float32Array | Float64Array, base: number, post: number): number;
  /** Only when `covers`: row[q] = w_q t (float64) for each q in list[0, n). */
  gather(o: number, list: Int32Array, n: number, row: Float64Array): void;
  /** Only when `covers`: row[i] = w_q t for q = start + i step, i in [0, row.length). */
  gatherStrided(o: number, start: number, step: number, row: Float64Array): void;
  readonly touches: boolean;
  /** Only when `touches`: writes the row positions channel o touches into `list` from `n`; returns the new length. */
  touch(o: number, list: Int32Array, n: number): number;
  /** Conv, identity and pool branches: the factor channel o's values carry (BN scale, pool weight; 1 for a bare conv). */
  scale(o: number): number;
  /** Conv, identity and pool branches: the bias channel o adds (what `add` returns). */
  bias(o: number): number;
}

export const unsupported = (): never => {
  throw new Error("branch accumulator: capability not available");
};

class ConvAccumulator implements BranchAccumulator {
  readonly covers: boolean;
  readonly touches = true;
  private readonly data: Float32Array | Float64Array;
  private readonly bnScale: Float64Array | undefined;
  private readonly shift: Float64Array | undefined;
  private readonly convBias: ArrayLike<number> | undefined;
  private readonly n: number;
  private readonly iPerB: number;
  private readonly h: number;
  private readonly w: number;
  private readonly kh: number;
  private readonly kw: number;
  private readonly iPer: number;
  private readonly oPerB: number;
  private readonly oPer: number;
  private readonly oy: number;
  private readonly ox: number;
  private readonly rowBase: number;

  constructor(b: Extract<Branch, { kind: "conv" }>, p: Placement, plan: FusePlan, where: string, rowBase: number) {
    const [, iPerB, h, w] = b.kernel.shape;
    const [o, iPer, kh, kw] = plan.kernelShape;
    const { scale, shift } = affineOf(b.bn, where);
    this.data = b.kernel.data;
    this.bnScale = scale;
    this.shift = shift;
    this.convBias = b.bias;
    this.n = iPerB * h * w;
    this.iPerB = iPerB;
    this.h = h;
    this.w = w;
    this.kh = kh;
    this.kw = kw;
    this.iPer = iPer;
    this.oPerB = o / b.groups;
    this.oPer = o / plan.groups;
    this.oy = p.offsetY;
    this.ox = p.offsetX;
    this.covers = h === kh && w === kw && iPerB === iPer;
    this.rowBase = rowBase;
  }

  private t(oc: number): number {
    return this.bnScale === undefined ? 1 : this.bnScale[oc]!;
  }

  // b' = beta + (b - mean) t  ==  b t + shift, shift = beta - mean t
  private biasOf(oc: number, t: number): number {
    const b0 = this.convBias === undefined ? 0 : this.convBias[oc]!;
    return this.bnScale === undefined ? b0 : b0 * t + this.shift![oc]!;
  }

  // Input slot of this branch's group inside the block's (larger) group.
  private slotOf(oc: number): number {
    return Math.floor(oc / this.oPerB) * this.iPerB - Math.floor(oc / this.oPer) * this.iPer;
  }

  add(oc: number, row: Float64Array): number {
    const t = this.t(oc);
    const slot = this.slotOf(oc);
    const { data, n, h, w, kh, kw, iPerB } = this;
    const src0 = (oc - this.rowBase) * n;
    if (h === kh && w === kw) {
      // Same size as the block kernel (offset 0): one contiguous run.
      const dst0 = slot * kh * kw;
      for (let j = 0; j < n; j++) row[dst0 + j]! += data[src0 + j]! * t;
    } else if (h === 1 && w === 1) {
      const step = kh * kw;
      const dst0 = slot * step + this.oy * kw + this.ox;
      for (let i = 0; i < iPerB; i++) row[dst0 + i * step]! += data[src0 + i]! * t;
    } else {
      for (let i = 0; i < iPerB; i++)
        for (let y = 0; y < h; y++) {
          const src = src0 + (i * h + y) * w;
          const dst = ((i + slot) * kh + y + this.oy) * kw + this.ox;
          for (let x = 0; x < w; x++) row[dst + x]! += data[src + x]! * t;
        }
    }
    return this.biasOf(oc, t);
  }

  assign(oc: number, row: Float64Array): number {
    const t = this.t(oc);
    const { data, n } = this;
    const src0 = (oc - this.rowBase) * n;
    for (let j = 0; j < n; j++) row[j] = data[src0 + j]! * t;
    return this.biasOf(oc, t);
  }

  direct(oc: number, out: Float32Array | Float64Array, base: number, post: number): number {
    const t = this.t(oc);
    const { data, n } = this;
    const shift = (oc - this.rowBase) * n - base; // data index - out index
    const end = base + n;
    // Two float64 operations, as the row engine does: (w t) then * post.
    if (post === 1) for (let k = base; k < end; k++) out[k] = data[k + shift]! * t;
    else for (let k = base; k < end; k++) out[k] = data[k + shift]! * t * post;
    return this.biasOf(oc, t);
  }

  scale(oc: number): number {
    return this.t(oc);
  }

  bias(oc: number): number {
    return this.biasOf(oc, this.t(oc));
  }

  gather(oc: number, list: Int32Array, n: number, row: Float64Array): void {
    const t = this.t(oc);
    const { data } = this;
    const src0 = (oc - this.rowBase) * this.n;
    for (let k = 0; k < n; k++) {
      const q = list[k]!;
      row[q] = data[src0 + q]! * t;
    }
  }

  gatherStrided(oc: number, start: number, step: number, row: Float64Array): void {
    const t = this.t(oc);
    const { data } = this;
    const src0 = (oc - this.rowBase) * this.n + start;
    for (let i = 0, q = src0; i < row.length; i++, q += step) row[i] = data[q]! * t;
  }

  touch(oc: number, list: Int32Array, n: number): number {
    const slot = this.slotOf(oc);
    const { iPerB, h, w, kh, kw, oy, ox } = this;
    let k = n;
    for (let i = 0; i < iPerB; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) list[k++] = ((i + slot) * kh + y + oy) * kw + x + ox;
    return k;
  }
}

/** Identity (1x1) and avg-pool (kh x kw) branches: `value` on each channel's own input, scaled by the BN. */
class DiagonalAccumulator implements BranchAccumulator {
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
    for (let y = 0; y < this.size[0]; y++) for (let x = 0; x < this.size[1]; x++) row[(i * kh + y + this.p.offsetY) * kw + x + this.p.offsetX]! += v;
    return this.bias(oc);
  }

  touch(oc: number, list: Int32Array, n: number): number {
    const [, iPer, kh, kw] = this.plan.kernelShape;
    const i = oc % iPer;
    let k = n;
    for (let y = 0; y < this.size[0]; y++) for (let x = 0; x < this.size[1]; x++) list[k++] = (i * kh + y + this.p.offsetY) * kw + x + this.p.offsetX;
    return k;
  }

  assign = unsupported;
  direct = unsupported;
  gather = unsupported;
  gatherStrided = unsupported;
}

/**
 * The accumulator of one branch of a planned block.
 *
 * @param rowBase - the first output channel the branch's kernels hold (a
 *   window of rows; 0: all of them).
 */
export function branchAccumulator(b: Branch, p: Placement, plan: FusePlan, where: string, rowBase = 0): BranchAccumulator {
  switch (b.kind) {
    case "conv":
      return new ConvAccumulator(b, p, plan, where, rowBase);
    case "identity":
      return new DiagonalAccumulator([1, 1], 1, b.bn, p, plan, where);
    case "avgpool":
      return new DiagonalAccumulator(b.size, 1 / (b.size[0] * b.size[1]), b.bn, p, plan, where);
    case "sequential":
      return new SequentialAccumulator(b, p, plan, where, rowBase);
  }
}
