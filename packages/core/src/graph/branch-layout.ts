import { avgPoolKernel } from "../branch/avgpool/avg-pool-kernel.js";
import { batchNormAffine, type ChannelAffine } from "../block/batch-norm.js";
import type { Branch, Pads, Pair } from "../block/block.js";
import type { KernelShape } from "../block/kernel.js";
import type { RefusalReason } from "../block/refusal.js";
import { isReparamError } from "../contract/reparam-error.js";
import { frameFault } from "../branch/sequential/compose-chain.js";
import { chainLayout } from "./chain-layout.js";
import { affineChannels, composeAffine } from "./compose-affine.js";
import type { ConstRef, GraphView } from "./graph-view.js";
import type { BranchParse } from "./parse-branch.js";
import { effectivePads } from "./same-pads.js";

/**
 * For a pool read through a Pad of a non-zero value (`frame`, see
 * parse-branch.ts): why that Pad's value is not the zero response of the
 * BN / affine nodes before it in every channel, or undefined when it is.
 */
async function poolFrameFault(
  p: Extract<BranchParse, { kind: "avgpool" }>,
  channels: number,
): Promise<LayoutRefusal | undefined> {
  const value = p.pad?.op.value ?? 0;
  if (value === 0) return undefined;
  const bn = p.frame === undefined ? undefined : await composeAffine(p.frame, channels);
  const z = bn === undefined ? new Float64Array(channels) : batchNormAffine(bn, `'${p.frame![0]!.id}'`).shift;
  const f = frameFault(new Float64Array(channels).fill(value), z);
  if (f === undefined) return undefined;
  return {
    reason: "SEQUENTIAL_BORDER",
    message: `Pad '${p.pad!.id}' holds ${value} (channel ${f.c}) where the nodes before it give ${z[f.c]} for a zero input: the average pool '${p.pool.id}' would average the wrong border`,
  };
}

/** A branch's layout (shapes, BNs) and the kernel constants to load later, in branch order. */
export interface BranchLayout {
  readonly branch: Branch<KernelShape>;
  readonly kernels: readonly ConstRef[];
}

/** Why a parse cannot be a branch (the block is refused). */
export interface LayoutRefusal {
  readonly reason: RefusalReason;
  readonly message: string;
}

type Sequential = Extract<BranchParse, { kind: "sequential" }>;
type Shape4 = readonly [number, number, number, number];

const addPads = (a: Pads, b: Pads | undefined): Pads =>
  b === undefined ? a : [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
const UNIT: Pair = [1, 1];

function inputSize(view: GraphView, root: string, pad: Pads | undefined): Pair | undefined {
  const s = view.spatialSize(root);
  if (s === undefined || pad === undefined) return s;
  return [s[0] + pad[0] + pad[2], s[1] + pad[1] + pad[3]];
}

const kshape = (ref: ConstRef): Shape4 => [ref.shape[0]!, ref.shape[1]!, ref.shape[2]!, ref.shape[3]!];
const unknownPads = (id: string): LayoutRefusal => ({
  reason: "PADS_UNKNOWN",
  message: `SAME padding of '${id}' needs the input size`,
});

/**
 * The second stage of a sequential branch as a conv: the kxk conv itself, or
 * the average pool as the kernel of `avgPoolKernel` over the 1x1's M outputs
 * in the 1x1's groups (1 / (kh * kw) on each channel's own input).
 */
function secondStage(p: Sequential, size: Pair | undefined) {
  const s = p.second;
  if (s.op.kind === "conv") {
    const shape = kshape(s.op.kernel);
    const own = effectivePads(s.op.padding, [shape[2], shape[3]], s.op.stride, s.op.dilation, size);
    return {
      shape,
      own,
      kernel: s.op.kernel,
      bias: s.op.bias,
      stride: s.op.stride,
      dilation: s.op.dilation,
      groups: s.op.groups,
    };
  }
  const groups = p.first.op.groups;
  const m = p.first.op.kernel.shape[0]!;
  const [kh, kw] = s.op.size;
  const shape: Shape4 = [m, m / groups, kh, kw];
  const kernel: ConstRef = { shape, values: async () => avgPoolKernel(m, groups, kh, kw).data };
  const own = effectivePads(s.op.padding, s.op.size, s.op.stride, UNIT, size);
  return { shape, own, kernel, bias: undefined, stride: s.op.stride, dilation: UNIT, groups };
}

/**
 * A sequential branch. Its Pad fills zeros before the BN nodes after it
 * (BNAndPad), so the second stage sees the 1x1 (+BNs) output padded with
 * afterPad(0); that is core's "first-output" padding exactly when the nodes
 * before the Pad map the 1x1's zero-input output b1 to 0 (beforePad(b1) = 0)
 * and the second stage adds no zero padding of its own. Without BN nodes
 * after the Pad it is a plain zero padding ("zero", which core checks).
 */
async function sequentialLayout(view: GraphView, p: Sequential): Promise<BranchLayout | LayoutRefusal> {
  const padOf = p.pad?.op.pads;
  const stage = secondStage(p, inputSize(view, p.root, padOf));
  if (stage.own === undefined) return unknownPads(p.second.id);
  const f = p.first.op;
  const fshape = kshape(f.kernel);
  const m = fshape[0];
  const fbias = f.bias ? await f.bias.values() : undefined;
  const borderFilled = p.pad?.op.pads.some((v) => v > 0) && p.afterPad.length > 0;
  if (borderFilled) {
    const inner = await composeAffine(p.beforePad, m);
    let a: ChannelAffine | undefined;
    try {
      a = inner === undefined ? undefined : batchNormAffine(inner, `'${p.beforePad[0]!.id}'`);
    } catch (e) {
      if (isReparamError(e)) return { reason: "BAD_BATCH_NORM", message: e.message };
      throw e;
    }
    // The border proof's frame condition (the 1x1's frame never reads x): zeros where beforePad(b1) is made.
    const z = Float64Array.from({ length: m }, (_, c) => {
      const b1 = fbias === undefined ? 0 : fbias[c]!;
      return a === undefined ? b1 : b1 * a.scale[c]! + a.shift[c]!;
    });
    if (frameFault(undefined, z) !== undefined) {
      return {
        reason: "SEQUENTIAL_PADDING",
        message: `'${p.pad!.id}' pads with zeros where '${p.first.id}' (and the nodes up to the pad) gives a non-zero output for a zero input`,
      };
    }
  }
  const padding = borderFilled && stage.own.every((v) => v === 0) ? "first-output" : "zero";
  const sbias = stage.bias ? await stage.bias.values() : undefined;
  const fbn = await composeAffine([...p.beforePad, ...p.afterPad], m);
  const bn = await composeAffine(p.after, stage.shape[0]);
  return {
    branch: {
      kind: "sequential",
      first: { kernel: { shape: fshape }, ...(fbias ? { bias: fbias } : {}), ...(fbn ? { bn: fbn } : {}) },
      second: { kernel: { shape: stage.shape }, ...(sbias ? { bias: sbias } : {}), ...(bn ? { bn } : {}) },
      stride: stage.stride,
      pads: addPads(stage.own, padOf),
      dilation: stage.dilation,
      groups: stage.groups,
      padding,
    },
    kernels: [f.kernel, stage.kernel],
  };
}

/**
 * Turns a parse into a core branch: effective pads (the conv's own, SAME
 * resolved at its input size, plus a preceding Pad), BN chains composed,
 * bias loaded; kernels stay as references (a chain of convs is composed
 * here, see chain-layout.ts). Returns why not when the pads cannot be known
 * or a sequential branch's padding is not exact.
 */
export async function branchLayout(
  view: GraphView,
  p: BranchParse,
  channels: number,
): Promise<BranchLayout | LayoutRefusal> {
  const padOf = p.kind === "identity" ? undefined : p.pad?.op.pads;
  switch (p.kind) {
    case "identity": {
      const bn = await composeAffine(p.after, channels);
      return { branch: bn ? { kind: "identity", bn } : { kind: "identity" }, kernels: [] };
    }
    case "avgpool": {
      const op = p.pool.op;
      const own = effectivePads(op.padding, op.size, op.stride, UNIT, inputSize(view, p.root, padOf));
      if (own === undefined) return unknownPads(p.pool.id);
      const wrongFrame = await poolFrameFault(p, channels);
      if (wrongFrame !== undefined) return wrongFrame;
      const bn = await composeAffine(p.after, channels);
      return {
        branch: { kind: "avgpool", size: op.size, stride: op.stride, pads: addPads(own, padOf), ...(bn ? { bn } : {}) },
        kernels: [],
      };
    }
    case "conv": {
      const op = p.conv.op;
      const shape = kshape(op.kernel);
      const own = effectivePads(
        op.padding,
        [shape[2], shape[3]],
        op.stride,
        op.dilation,
        inputSize(view, p.root, padOf),
      );
      if (own === undefined) return unknownPads(p.conv.id);
      const bias = op.bias ? await op.bias.values() : undefined;
      const bn = await composeAffine(p.after, shape[0]);
      const geometry = { stride: op.stride, pads: addPads(own, padOf), dilation: op.dilation, groups: op.groups };
      return {
        branch: { kind: "conv", kernel: { shape }, ...geometry, ...(bias ? { bias } : {}), ...(bn ? { bn } : {}) },
        kernels: [op.kernel],
      };
    }
    case "sequential":
      return sequentialLayout(view, p);
    case "chain": {
      const l = await chainLayout(view, p);
      if ("reason" in l) return l;
      const { shape, kernel, bias, ...geometry } = l;
      return { branch: { kind: "conv", kernel: { shape }, ...geometry, bias }, kernels: [kernel] };
    }
  }
}

/** Input channels a parse implies, if it says (conv kernels, BN lengths). */
export function parseChannels(p: BranchParse): number | undefined {
  if (p.kind === "conv") return p.conv.op.kernel.shape[1]! * p.conv.op.groups;
  if (p.kind === "sequential") return p.first.op.kernel.shape[1]! * p.first.op.groups;
  if (p.kind === "chain") return p.links[0]!.conv.op.kernel.shape[1]! * p.links[0]!.conv.op.groups;
  return affineChannels(p.after);
}
