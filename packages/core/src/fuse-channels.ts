import { batchNormAffine, type BatchNorm } from "./batch-norm.js";
import type { Block, Branch } from "./block.js";
import { foldConvBranch } from "./branch-kernel.js";
import type { Placement } from "./block-geometry.js";
import type { FusePlan } from "./plan-block.js";

/** Receives one fused output channel: its kernel row [in/groups, kh, kw] in float64 (reused between calls) and bias. */
export type ChannelSink = (o: number, row: Float64Array, bias: number) => void;

interface Affine {
  readonly scale: Float64Array | undefined; // undefined: 1
  readonly shift: Float64Array | undefined; // undefined: 0
}

const affineOf = (bn: BatchNorm | undefined, where: string): Affine => (bn === undefined ? { scale: undefined, shift: undefined } : batchNormAffine(bn, where));

/** Per-branch state prepared once per block; `add` accumulates channel o into the row. */
type Accumulate = (o: number, row: Float64Array) => number;

function convAccumulator(b: Extract<Branch, { kind: "conv" }>, p: Placement, plan: FusePlan, where: string): Accumulate {
  const [, iPerB, h, w] = b.kernel.shape;
  const [o, iPer, kh, kw] = plan.kernelShape;
  const { scale, shift } = affineOf(b.bn, where);
  const data = b.kernel.data;
  const oPerB = o / b.groups;
  const oPer = o / plan.groups;
  const bias = b.bias;
  return (oc, row) => {
    const t = scale === undefined ? 1 : scale[oc]!;
    // Input slot of this branch's group inside the block's (larger) group.
    const slot = Math.floor(oc / oPerB) * iPerB - Math.floor(oc / oPer) * iPer;
    const src0 = oc * iPerB * h * w;
    if (h === kh && w === kw) {
      // Same size as the block kernel (offset 0): one contiguous run.
      const dst0 = slot * kh * kw;
      const n = iPerB * h * w;
      for (let j = 0; j < n; j++) row[dst0 + j]! += data[src0 + j]! * t;
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
    const b0 = bias === undefined ? 0 : bias[oc]!;
    // b' = beta + (b - mean) t  ==  b t + shift, shift = beta - mean t
    return scale === undefined ? b0 : b0 * t + shift![oc]!;
  };
}

function diagonalAccumulator(size: readonly [number, number], value: number, bn: BatchNorm | undefined, p: Placement, plan: FusePlan, where: string): Accumulate {
  const [, iPer, kh, kw] = plan.kernelShape;
  const { scale, shift } = affineOf(bn, where);
  return (oc, row) => {
    const v = scale === undefined ? value : value * scale[oc]!;
    const i = oc % iPer; // the output channel reads its own input channel
    for (let y = 0; y < size[0]; y++)
      for (let x = 0; x < size[1]; x++) row[(i * kh + y + p.offsetY) * kw + x + p.offsetX]! += v;
    return shift === undefined ? 0 : shift[oc]!;
  };
}

function sequentialAccumulator(b: Extract<Branch, { kind: "sequential" }>, p: Placement, plan: FusePlan, where: string): Accumulate {
  const first = foldConvBranch(b.first, `${where} (1x1)`); // [M, C/g, 1, 1], small
  const [, mPer, h, w] = b.second.kernel.shape;
  const [o, iPer, kh, kw] = plan.kernelShape;
  const cPer = first.kernel.shape[1];
  const { scale, shift } = affineOf(b.second.bn, `${where} (kxk)`);
  const k2 = b.second.kernel.data;
  const b2 = b.second.bias;
  const oPerB = o / b.groups;
  const oPer = o / plan.groups;
  return (oc, row) => {
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
}

function accumulator(b: Branch, p: Placement, plan: FusePlan, where: string): Accumulate {
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

/**
 * The fusion engine: computes the fused conv one output channel at a time in
 * a float64 row that stays in cache, and hands each finished row to `sink`
 * (which rounds it once into the storage dtype). Per channel o:
 * row = sum over branches of the branch kernel (BN folded, placed, grouped
 * kernels re-slotted into the block's groups); bias likewise; then the
 * post-BN: row *= t[o], bias = bias t[o] + shift[o].
 */
export function fuseChannels(block: Block, plan: FusePlan, sink: ChannelSink): void {
  const [o, iPer, kh, kw] = plan.kernelShape;
  const accs = block.branches.map((b, i) => accumulator(b, plan.placements[i]!, plan, `${block.name} branch ${i}`));
  const post = affineOf(block.postBn, `${block.name} (post-BN)`);
  const row = new Float64Array(iPer * kh * kw);
  for (let oc = 0; oc < o; oc++) {
    row.fill(0);
    let bias = 0;
    for (const acc of accs) bias += acc(oc, row);
    if (post.scale !== undefined) {
      const t = post.scale[oc]!;
      for (let j = 0; j < row.length; j++) row[j]! *= t;
      bias = bias * t + post.shift![oc]!;
    }
    sink(oc, row, bias);
  }
}
