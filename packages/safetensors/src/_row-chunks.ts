import { type BatchNorm, type Block, type Branch, type ConvBranch, type FusePlan, type Kernel, type KernelShape, planBlock } from "@reparam/core";
import { floatValues } from "./_tensor-values.js";
import type { SafetensorsCandidate } from "./safetensors-candidate.js";
import { dtypeBits } from "./dtype.js";
import type { SafetensorsModel } from "./safetensors-model.js";

/**
 * True when the fused kernel can be computed a few output channels at a
 * time: every branch is a dense conv (groups 1), an identity or an average
 * pool. (Grouped blocks are smaller by their groups; DBB's sequential branch
 * mixes channels across rows. Both are fused whole.)
 */
export function rowChunkable(candidate: SafetensorsCandidate, plan: FusePlan): boolean {
  return plan.groups === 1 && candidate.match.branches.every((b) => (b.kind === "conv" && b.groups === 1) || b.kind === "identity" || b.kind === "avgpool");
}

const rows = (a: ArrayLike<number>, o0: number, o1: number): Float64Array => Float64Array.from({ length: o1 - o0 }, (_, i) => a[o0 + i]!);
const rowsOf = (bn: BatchNorm, o0: number, o1: number): BatchNorm => ({
  gamma: rows(bn.gamma, o0, o1),
  beta: rows(bn.beta, o0, o1),
  mean: rows(bn.mean, o0, o1),
  variance: rows(bn.variance, o0, o1),
  eps: bn.eps,
});

/** An explicit conv for the identity or an average pool, rows [o0, o1): 1 / (kh kw) on each row's own input channel. */
function diagonal(c: number, o0: number, o1: number, kh: number, kw: number): Kernel {
  const data = new Float64Array((o1 - o0) * c * kh * kw);
  const v = 1 / (kh * kw);
  for (let r = 0; r < o1 - o0; r++) data.fill(v, (r * c + o0 + r) * kh * kw, (r * c + o0 + r + 1) * kh * kw);
  return { data, shape: [o1 - o0, c, kh, kw] };
}

/**
 * The block restricted to output channels `[o0, o1)` of a
 * {@link rowChunkable} one: each dense conv's rows read from the file (and
 * only those), the identity and average pool written as explicit conv rows
 * (1 * t is t, + 0 changes nothing: the fused rows are bit for bit those of
 * the whole block), BatchNorms and biases cut to the rows.
 */
export async function rowBlock(model: SafetensorsModel, candidate: SafetensorsCandidate, o0: number, o1: number): Promise<Block> {
  const { layout, match } = candidate;
  const c = layout.inChannels;
  const branches: Branch[] = [];
  for (const [i, b] of layout.branches.entries()) {
    const m = match.branches[i]!;
    const bn = "bn" in b && b.bn !== undefined ? { bn: rowsOf(b.bn, o0, o1) } : {};
    if (b.kind === "conv" && m.kind === "conv") {
      const [, iPer, kh, kw] = b.kernel.shape;
      const dtype = model.tensors.get(m.conv.weight)!.dtype;
      const rowBytes = (iPer * kh * kw * dtypeBits(dtype)) / 8;
      const data = floatValues(await model.readRange(m.conv.weight, o0 * rowBytes, o1 * rowBytes), dtype);
      const bias = b.bias === undefined ? {} : { bias: rows(b.bias, o0, o1) };
      branches.push({ ...b, kernel: { data, shape: [o1 - o0, iPer, kh, kw] }, ...bias, ...bn });
    } else if (b.kind === "identity") {
      branches.push({ kind: "conv", kernel: diagonal(c, o0, o1, 1, 1), stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, ...bn });
    } else if (b.kind === "avgpool") {
      const [kh, kw] = b.size;
      branches.push({ kind: "conv", kernel: diagonal(c, o0, o1, kh, kw), stride: b.stride, pads: b.pads, dilation: [1, 1], groups: 1, ...bn });
    } else {
      throw new Error("rowBlock: only for rowChunkable blocks");
    }
  }
  const post = layout.postBn === undefined ? {} : { postBn: rowsOf(layout.postBn, o0, o1) };
  return { name: layout.name, inChannels: c, branches, ...post };
}

/**
 * A block with the same biases and BatchNorms but no kernel to read: every
 * conv a zero depthwise 1x1 over the output channels. For a
 * {@link rowChunkable} block its fused bias is the whole block's, bit for bit
 * (the bias of a conv, identity or pool branch never depends on its kernel).
 */
export function biasBlock(layout: Block<KernelShape>): { block: Block; plan: FusePlan } {
  const o = layout.branches.find((b): b is ConvBranch<KernelShape> => b.kind === "conv")!.kernel.shape[0];
  const zeros = new Float64Array(o);
  const branches = layout.branches.map((b): Branch =>
    b.kind === "conv" ? { ...b, kernel: { data: zeros, shape: [o, 1, 1, 1] }, pads: [0, 0, 0, 0], groups: o } : (b as Branch),
  );
  const block: Block = { ...layout, inChannels: o, branches };
  const planned = planBlock(block);
  if (!planned.ok) throw new Error(`biasBlock: ${planned.refusal.message}`);
  return { block, plan: planned.plan };
}
