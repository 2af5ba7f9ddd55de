import { batchNormAffine, type BatchNorm } from "./batch-norm.js";
import type { Branch } from "./block.js";
import { foldConvBranch } from "./branch-kernel.js";
import type { Placement } from "./block-geometry.js";
import type { FusePlan } from "./plan-block.js";

interface Affine {
  readonly scale: Float64Array | undefined; // undefined: 1
  readonly shift: Float64Array | undefined; // undefined: 0
}

const affineOf = (bn: BatchNorm | undefined, where: string): Affine => (bn === undefined ? { scale: undefined, shift: undefined } : batchNormAffine(bn, where));

/** Adds channel o of a branch into the row [in/groups, kh, kw]; returns the branch's bias for o. */
export type Accumulate = (o: number, row: Float64Array) => number;

/**
 * One branch, prepared once per block. `add` is enough for the generic
 * engine; the optional parts let the engine skip work:
 * - a branch that covers the whole row (same kernel size and groups as the
 *   block) can `assign` it, or write a channel `direct`ly into the output,
 *   and tell its float64 value at one position (`valueAt`);
 * - a branch that touches few positions can list them (`touch`).
 */
export interface BranchAccumulator {
  readonly add: Accumulate;
  readonly assign?: Accumulate;
  /** out[base + j] = value(j) * post for every j of the row; returns the bias. */
  readonly direct?: (o: number, out: Float32Array | Float64Array, base: number, post: number) => number;
  readonly valueAt?: (o: number, p: number) => number;
  /** Writes the row positions channel o touches into `list` from index `n`; returns the new length (list has room for a whole row per branch). */
  readonly touch?: (o: number, list: Int32Array, n: number) => number;
}

function convAccumulator(b: Extract<Branch, { kind: "conv" }>, p: Placement, plan: FusePlan, where: string): BranchAccumulator {
  const [, iPerB, h, w] = b.kernel.shape;
  const [o, iPer, kh, kw] = plan.kernelShape;
  const { scale, shift } = affineOf(b.bn, where);
  const data = b.kernel.data;
  const oPerB = o / b.groups;
  const oPer = o / plan.groups;
  const bias = b.bias;
  const n = iPerB * h * w;
  // b' = beta + (b - mean) t  ==  b t + shift, shift = beta - mean t
  const biasOf = (oc: number, t: number) => {
    const b0 = bias === undefined ? 0 : bias[oc]!;
    return scale === undefined ? b0 : b0 * t + shift![oc]!;
  };
  // Input slot of this branch's group inside the block's (larger) group.
  const slotOf = (oc: number) => Math.floor(oc / oPerB) * iPerB - Math.floor(oc / oPer) * iPer;
  const add: Accumulate = (oc, row) => {
    const t = scale === undefined ? 1 : scale[oc]!;
    const slot = slotOf(oc);
    const src0 = oc * n;
    if (h === kh && w === kw) {
      // Same size as the block kernel (offset 0): one contiguous run.
      const dst0 = slot * kh * kw;
      const d = data;
      for (let j = 0; j < n; j++) row[dst0 + j]! += d[src0 + j]! * t;
    } else if (h === 1 && w === 1) {
      const step = kh * kw;
      const dst0 = slot * step + p.offsetY * kw + p.offsetX;
      for (let i = 0; i < iPerB; i++) row[dst0 + i * step]! += data[src0 + i]! * t;
    } else {
      for (let i = 0; i < iPerB; i++)
        for (let y = 0; y < h; y++) {
          const src = src0 + (i * h + y) * w;
          const dst = ((i + slot) * kh + y + p.offsetY) * kw + p.offsetX;
          for (let x = 0; x < w; x++) row[dst + x]! += data[src + x]! * t;
        }
    }
    return biasOf(oc, t);
  };
  const touch = (oc: number, list: Int32Array, n: number) => {
    const slot = slotOf(oc);
    let k = n;
    for (let i = 0; i < iPerB; i++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) list[k++] = ((i + slot) * kh + y + p.offsetY) * kw + x + p.offsetX;
    return k;
  };
  if (!(h === kh && w === kw && iPerB === iPer)) return { add, touch };
  // Covers the whole row.
  return {
    add,
    touch,
    assign: (oc, row) => {
      const t = scale === undefined ? 1 : scale[oc]!;
      const d = data;
      const src0 = oc * n;
      for (let j = 0; j < n; j++) row[j] = d[src0 + j]! * t;
      return biasOf(oc, t);
    },
    direct: (oc, out, base, post) => {
      const t = scale === undefined ? 1 : scale[oc]!;
      // Locals, not captured variables, in the hot loops (V8 reloads captured ones).
      const d = data;
      const end = oc * n + n;
      let k = base;
      // Two float64 operations, as the row engine does: (w t) then * post.
      if (post === 1) for (let j = oc * n; j < end; j++) out[k++] = d[j]! * t;
      else for (let j = oc * n; j < end; j++) out[k++] = d[j]! * t * post;
      return biasOf(oc, t);
    },
    valueAt: (oc, q) => data[oc * n + q]! * (scale === undefined ? 1 : scale[oc]!),
  };
}

function diagonalAccumulator(size: readonly [number, number], value: number, bn: BatchNorm | undefined, p: Placement, plan: FusePlan, where: string): BranchAccumulator {
  const [, iPer, kh, kw] = plan.kernelShape;
  const { scale, shift } = affineOf(bn, where);
  const touch = (oc: number, list: Int32Array, n: number) => {
    const i = oc % iPer; // the output channel reads its own input channel
    let k = n;
    for (let y = 0; y < size[0]; y++) for (let x = 0; x < size[1]; x++) list[k++] = (i * kh + y + p.offsetY) * kw + x + p.offsetX;
    return k;
  };
  const add: Accumulate = (oc, row) => {
    const v = scale === undefined ? value : value * scale[oc]!;
    const i = oc % iPer;
    for (let y = 0; y < size[0]; y++) for (let x = 0; x < size[1]; x++) row[(i * kh + y + p.offsetY) * kw + x + p.offsetX]! += v;
    return shift === undefined ? 0 : shift[oc]!;
  };
  return { add, touch };
}

function sequentialAccumulator(b: Extract<Branch, { kind: "sequential" }>, p: Placement, plan: FusePlan, where: string): BranchAccumulator {
  const first = foldConvBranch(b.first, `${where} (1x1)`); // [M, C/g, 1, 1], small
  const [, mPer, h, w] = b.second.kernel.shape;
  const [o, iPer, kh, kw] = plan.kernelShape;
  const cPer = first.kernel.shape[1];
  const { scale, shift } = affineOf(b.second.bn, `${where} (kxk)`);
  const k2 = b.second.kernel.data;
  const b2 = b.second.bias;
  const oPerB = o / b.groups;
  const oPer = o / plan.groups;
  const add: Accumulate = (oc, row) => {
    const t = scale === undefined ? 1 : scale[oc]!;
    const g = Math.floor(oc / oPerB);
    const slot = g * cPer - Math.floor(oc / oPer) * iPer;
    let bias = b2 === undefined ? 0 : b2[oc]!;
    let composedBias = 0;
    for (let mi = 0; mi < mPer; mi++) {
      const m = g * mPer + mi;
      for (let j = 0; j < h * w; j++) {
        const w2 = k2[(oc * mPer + mi) * h * w + j]! * t;
        composedBias += w2 * first.bias[m]!;
        const y = Math.floor(j / w);
        const x = j % w;
        for (let c = 0; c < cPer; c++) row[((c + slot) * kh + y + p.offsetY) * kw + x + p.offsetX]! += w2 * first.kernel.data[m * cPer + c]!;
      }
    }
    bias = scale === undefined ? bias : bias * t + shift![oc]!;
    return bias + composedBias;
  };
  return { add };
}

/** The accumulator of one branch of a planned block. */
export function branchAccumulator(b: Branch, p: Placement, plan: FusePlan, where: string): BranchAccumulator {
  switch (b.kind) {
    case "conv":
      return convAccumulator(b, p, plan, where);
    case "identity":
      return diagonalAccumulator([1, 1], 1, b.bn, p, plan, where);
    case "avgpool":
      return diagonalAccumulator(b.size, 1 / (b.size[0] * b.size[1]), b.bn, p, plan, where);
    case "sequential":
      return sequentialAccumulator(b, p, plan, where);
  }
}
