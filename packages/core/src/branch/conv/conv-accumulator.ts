import type { ConvBranch } from "../../block/block.js";
import type { FusePlan, Placement } from "../../block/fuse-plan.js";
import type { BranchAccumulator, DenseRow, FiniteTally } from "../../engine/branch-accumulator.js";
import { affineOf } from "../_affine.js";
import { scaleRun } from "../../wasm/scale-kernels.js";

/** Rows shorter than this stay in the JavaScript loop: a WebAssembly call and two copies cost more there. */
const WASM_MIN_ROW = 64;

/** A conv (+ bias) (+ BN) branch: its kernel rows, BN-scaled, slotted into the block's row. */
export class ConvAccumulator implements BranchAccumulator {
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
  private readonly sy: number; // tap steps in the block kernel (a dilated branch in a finer block)
  private readonly sx: number;
  private readonly rowBase: number;

  constructor(b: ConvBranch, p: Placement, plan: FusePlan, where: string, rowBase: number) {
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
    this.sy = p.stepY ?? 1;
    this.sx = p.stepX ?? 1;
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
    } else if (this.sy === 1 && this.sx === 1) {
      for (let i = 0; i < iPerB; i++)
        for (let y = 0; y < h; y++) {
          const src = src0 + (i * h + y) * w;
          const dst = ((i + slot) * kh + y + this.oy) * kw + this.ox;
          for (let x = 0; x < w; x++) row[dst + x]! += data[src + x]! * t;
        }
    } else {
      const { sy, sx } = this;
      for (let i = 0; i < iPerB; i++)
        for (let y = 0; y < h; y++) {
          const src = src0 + (i * h + y) * w;
          const dst = ((i + slot) * kh + y * sy + this.oy) * kw + this.ox;
          for (let x = 0; x < w; x++) row[dst + x * sx]! += data[src + x]! * t;
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

  direct(oc: number, out: Float32Array | Float64Array, base: number, post: number, tally: FiniteTally): number {
    const t = this.t(oc);
    const { data, n } = this;
    const shift = (oc - this.rowBase) * n - base; // data index - out index
    // Two float64 operations, as the row engine does: (w t) then * post (x * 1 == x).
    const done = n >= WASM_MIN_ROW ? scaleRun(data, base + shift, out, base, n, t, post) : "not-run";
    if (done !== "finite") tally.unproven = true;
    if (done !== "not-run") return this.biasOf(oc, t);
    const end = base + n;
    if (post === 1) for (let k = base; k < end; k++) out[k] = data[k + shift]! * t;
    else for (let k = base; k < end; k++) out[k] = data[k + shift]! * t * post;
    return this.biasOf(oc, t);
  }

  scale(oc: number): number {
    return this.t(oc);
  }

  denseRow(oc: number): DenseRow {
    return { data: this.data, at: (oc - this.rowBase) * this.n, scale: this.t(oc) };
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
    const { iPerB, h, w, kh, kw, oy, ox, sy, sx } = this;
    let k = n;
    for (let i = 0; i < iPerB; i++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) list[k++] = ((i + slot) * kh + y * sy + oy) * kw + x * sx + ox;
    return k;
  }
}
