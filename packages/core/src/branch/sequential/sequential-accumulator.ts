import { batchNormAffine } from "../../block/batch-norm.js";
import type { Branch } from "../../block/block.js";
import { type BranchAccumulator, unsupported } from "../../engine/branch-accumulator.js";
import { foldConvBranch } from "../conv/fold-conv-branch.js";
import { composeTile4x3 } from "./compose-tile.js";
import type { FusePlan, Placement } from "../../block/fuse-plan.js";
import { ComposeKernel } from "../../wasm/compose-kernels.js";

/**
 * DBB's 1x1 -> kxk branch, composed per output channel o:
 * row[c, y, x] += sum over m of (K2[o, m, y, x] t[o]) K1[m, c] (K1 with its
 * BN folded), m ascending, as a float64 dot product per position; bias
 * b2 t + shift + sum over m, y, x of K2 t b1[m]. An m whose kxk weights
 * are all zero for o is skipped (it adds only zeros; at most the sign of a
 * zero result can differ): an average pool's kernel (the 1x1 -> pool
 * branch) has one non-zero m per output channel, so its cost is that of a
 * 1x1. Where the WebAssembly kernels are on, all of this runs in
 * compose-kernels.wat (the sums in SIMD, two input channels per vector, each
 * still in the order m ascending: the same bits); else in the JavaScript
 * tiles below.
 */
export class SequentialAccumulator implements BranchAccumulator {
  readonly covers = false;
  readonly touches = false;
  private readonly k1t: Float64Array; // per group, [c][m]: K1 transposed so that a dot product over m is contiguous
  private readonly b1: Float64Array;
  private readonly k2: Float32Array | Float64Array;
  private readonly b2: ArrayLike<number> | undefined;
  private readonly bnScale: Float64Array | undefined;
  private readonly shift: Float64Array | undefined;
  private readonly live: Int32Array; // scratch: the m with a non-zero kxk weight
  private readonly w2: Float64Array; // scratch: their weights times t, [position][live m]
  private readonly k1live: Float64Array; // scratch: K1 transposed, live m only, [c][live m]
  private readonly tile = new Int32Array(12); // scratch: row indices of one 4 x 3 tile
  private readonly wasm: ComposeKernel | undefined;

  constructor(
    b: Extract<Branch, { kind: "sequential" }>,
    private readonly p: Placement,
    private readonly plan: FusePlan,
    where: string,
    private readonly rowBase: number,
  ) {
    const first = foldConvBranch(b.first, `${where} (1x1)`); // [M, C/g, 1, 1], small
    const [m, cPer] = first.kernel.shape;
    const mPer = b.second.kernel.shape[1];
    const [h, w] = [b.second.kernel.shape[2], b.second.kernel.shape[3]];
    // Row index of each kxk position at input channel 0 (as `at` in add).
    const pos = Int32Array.from(
      { length: h * w },
      (_, j) =>
        (Math.floor(j / w) * (p.stepY ?? 1) + p.offsetY) * plan.kernelShape[3] + (j % w) * (p.stepX ?? 1) + p.offsetX,
    );
    const stride = plan.kernelShape[2] * plan.kernelShape[3];
    this.wasm = ComposeKernel.create(first.kernel.data, first.bias, pos, mPer, cPer, stride);
    const js = this.wasm === undefined ? 1 : 0; // the JavaScript loops' arrays, empty when they do not run
    this.k1t = new Float64Array(js * m * cPer);
    for (let mc = 0; mc < js * m; mc++) {
      const g = Math.floor(mc / mPer);
      for (let c = 0; c < cPer; c++)
        this.k1t[(g * cPer + c) * mPer + (mc - g * mPer)] = first.kernel.data[mc * cPer + c]!;
    }
    this.b1 = first.bias;
    this.k2 = b.second.kernel.data;
    this.b2 = b.second.bias;
    if (b.second.bn !== undefined) {
      const a = batchNormAffine(b.second.bn, `${where} (kxk)`);
      this.bnScale = a.scale;
      this.shift = a.shift;
    }
    this.oPerB = plan.kernelShape[0] / b.groups;
    this.mPer = mPer;
    this.cPer = cPer;
    this.size = [h, w];
    this.live = new Int32Array(js * mPer);
    this.w2 = new Float64Array(js * mPer * h * w);
    this.k1live = new Float64Array(js * cPer * mPer);
  }

  private readonly oPerB: number;
  private readonly mPer: number;
  private readonly cPer: number;
  private readonly size: readonly [number, number];

  add(oc: number, row: Float64Array): number {
    const { k1t, b1, k2, live, w2, mPer, cPer, p, plan } = this;
    const [h, w] = this.size;
    const hw = h * w;
    const [o, iPer, kh, kw] = plan.kernelShape;
    const t = this.bnScale === undefined ? 1 : this.bnScale[oc]!;
    const g = Math.floor(oc / this.oPerB);
    const slot = g * cPer - Math.floor(oc / (o / plan.groups)) * iPer;
    const src = (oc - this.rowBase) * mPer * hw;
    const b2 = this.b2 === undefined ? 0 : this.b2[oc]!;
    const own = this.bnScale === undefined ? b2 : b2 * t + this.shift![oc]!;
    if (this.wasm !== undefined) return own + this.wasm.compose(row, slot * kh * kw, k2, src, t, g);
    // The m with any non-zero weight, and bias terms in the order m, then position.
    let n = 0;
    let composedBias = 0;
    for (let mi = 0; mi < mPer; mi++) {
      let any = false;
      for (let j = 0; j < hw; j++) {
        const v = k2[src + mi * hw + j]! * t;
        if (v === 0) continue;
        any = true;
        composedBias += v * b1[g * mPer + mi]!;
      }
      if (any) live[n++] = mi;
    }
    for (let j = 0; j < hw; j++) for (let k = 0; k < n; k++) w2[j * n + k] = k2[src + live[k]! * hw + j]! * t;
    // K1 rows of this group ([c][m]); with skipped m, gathered to the live ones.
    if (n < mPer)
      for (let ci = 0; ci < cPer; ci++)
        for (let k = 0; k < n; k++) this.k1live[ci * n + k] = k1t[(g * cPer + ci) * mPer + live[k]!]!;
    const k1 = n < mPer ? this.k1live : k1t;
    const k1Base = n < mPer ? 0 : g * cPer * mPer;
    const stride = Math.min(n, mPer); // between input channels in k1
    // A kxk dilated more than the block sits with its taps (its dilation / the block's) apart.
    const sy = p.stepY ?? 1;
    const sx = p.stepX ?? 1;
    const at = (c: number, j: number) =>
      ((c + slot) * kh + Math.floor(j / w) * sy + p.offsetY) * kw + (j % w) * sx + p.offsetX;
    // Tiles of four input channels x three positions, then four channels at a
    // time for the positions left: independent sums, each in the order m ascending.
    const q = this.tile;
    let c = 0;
    for (; c + 4 <= cPer; c += 4) {
      const b0 = k1Base + c * stride;
      let j0 = 0;
      for (; j0 + 3 <= hw; j0 += 3) {
        for (let ci = 0; ci < 4; ci++) for (let jj = 0; jj < 3; jj++) q[ci * 3 + jj] = at(c + ci, j0 + jj);
        composeTile4x3(row, w2, j0 * n, n, k1, b0, stride, q);
      }
      for (let j = j0; j < hw; j++) {
        const q0 = at(c, j);
        const q1 = at(c + 1, j);
        const q2 = at(c + 2, j);
        const q3 = at(c + 3, j);
        let a0 = row[q0]!;
        let a1 = row[q1]!;
        let a2 = row[q2]!;
        let a3 = row[q3]!;
        const wBase = j * n;
        for (let k = 0; k < n; k++) {
          const v = w2[wBase + k]!;
          a0 += v * k1[b0 + k]!;
          a1 += v * k1[b0 + stride + k]!;
          a2 += v * k1[b0 + 2 * stride + k]!;
          a3 += v * k1[b0 + 3 * stride + k]!;
        }
        row[q0] = a0;
        row[q1] = a1;
        row[q2] = a2;
        row[q3] = a3;
      }
    }
    for (; c < cPer; c++) {
      const b0 = k1Base + c * stride;
      for (let j = 0; j < hw; j++) {
        const q = at(c, j);
        const wBase = j * n;
        let acc = row[q]!;
        for (let k = 0; k < n; k++) acc += w2[wBase + k]! * k1[b0 + k]!;
        row[q] = acc;
      }
    }
    return own + composedBias;
  }

  assign = unsupported;
  direct = unsupported;
  gather = unsupported;
  gatherStrided = unsupported;
  touch = unsupported;
  scale = unsupported; // a 1x1 -> kxk branch has no one factor per channel,
  bias = unsupported; // and its bias needs its kernels (see add)
}
