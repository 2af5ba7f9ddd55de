import {
  type Block,
  type Branch,
  type BufferPool,
  type ConvBranch,
  type FusePlan,
  type KernelShape,
  planBlock,
} from "@reparam/core";
import { floatValues } from "../codec/_tensor-values.js";
import type { SafetensorsCandidate } from "../safetensors-candidate.js";
import { dtypeBits } from "../codec/dtype.js";
import type { SafetensorsModel } from "../codec/safetensors-model.js";

/**
 * True when the fused kernel can be computed a few output channels at a
 * time, and its bias without any kernel: every branch is a conv (any
 * groups), an identity or an average pool. (DBB's sequential branch puts its
 * kxk kernel into the bias; such blocks are fused whole.)
 */
export function rowChunkable(candidate: SafetensorsCandidate): boolean {
  return candidate.match.branches.every(
    (b) => (b.kind === "conv" && b.conv.identityBased !== true) || b.kind === "identity" || b.kind === "avgpool",
  );
}

/**
 * The block with each conv kernel cut to output channels `[o0, o1)`, read
 * from the file (only those rows): what core's `fuseInto` takes with the
 * window `{ from: o0, to: o1 }` and the whole block's plan. BatchNorms,
 * biases, identity and pool branches stay whole. For {@link rowChunkable}
 * blocks. With `pool`, the rows are read into its buffers: give them back
 * (the kernels' `data`) once the block is fused.
 */
export async function rowBlock(
  model: SafetensorsModel,
  candidate: SafetensorsCandidate,
  o0: number,
  o1: number,
  pool?: BufferPool,
): Promise<Block> {
  const { layout, match } = candidate;
  const branches: Branch[] = [];
  for (const [i, b] of layout.branches.entries()) {
    const m = match.branches[i]!;
    if (b.kind === "conv" && m.kind === "conv") {
      const [, iPer, kh, kw] = b.kernel.shape;
      const dtype = model.tensors.get(m.conv.weight)!.dtype;
      const rowBytes = (iPer * kh * kw * dtypeBits(dtype)) / 8;
      const n = (o1 - o0) * rowBytes;
      const into = pool?.take(n);
      const bytes = await model.readRange(m.conv.weight, o0 * rowBytes, o1 * rowBytes, into);
      if (into !== undefined && bytes.buffer !== into.buffer) pool!.reuse([into]); // the source could not fill it
      const data = floatValues(bytes, dtype);
      if (into !== undefined && data.buffer !== bytes.buffer) pool!.reuse([bytes]); // widened into new memory (F16, BF16)
      branches.push({ ...b, kernel: { data, shape: b.kernel.shape } });
    } else if (b.kind === "identity" || b.kind === "avgpool") {
      branches.push(b);
    } else {
      throw new Error("rowBlock: only for rowChunkable blocks");
    }
  }
  return { ...layout, branches };
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
  const branches = layout.branches.map(
    (b): Branch =>
      b.kind === "conv"
        ? { ...b, kernel: { data: zeros, shape: [o, 1, 1, 1] }, pads: [0, 0, 0, 0], groups: o }
        : (b as Branch),
  );
  const block: Block = { ...layout, inChannels: o, branches };
  const planned = planBlock(block);
  if (!planned.ok) throw new Error(`biasBlock: ${planned.refusal.message}`);
  return { block, plan: planned.plan };
}
