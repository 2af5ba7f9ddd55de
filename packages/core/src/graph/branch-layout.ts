import type { Branch, Pads, Pair } from "../block.js";
import type { KernelShape } from "../kernel.js";
import { affineChannels, composeAffine } from "./compose-affine.js";
import type { ConstRef, GraphView } from "./graph-view.js";
import type { BranchParse } from "./parse-branch.js";
import { effectivePads } from "./same-pads.js";

/** A branch's layout (shapes, BNs) and the kernel constants to load later, in branch order. */
export interface BranchLayout {
  readonly branch: Branch<KernelShape>;
  readonly kernels: readonly ConstRef[];
}

const addPads = (a: Pads, b: Pads | undefined): Pads => (b === undefined ? a : [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]);

function inputSize(view: GraphView, root: string, pad: Pads | undefined): Pair | undefined {
  const s = view.spatialSize(root);
  if (s === undefined || pad === undefined) return s;
  return [s[0] + pad[0] + pad[2], s[1] + pad[1] + pad[3]];
}

const kshape = (ref: ConstRef): readonly [number, number, number, number] => [ref.shape[0]!, ref.shape[1]!, ref.shape[2]!, ref.shape[3]!];

/**
 * Turns a parse into a core branch: effective pads (the conv's own, SAME
 * resolved at its input size, plus a preceding Pad), BN chains composed,
 * bias loaded; kernels stay as references. Returns a string (why) when the
 * pads cannot be known.
 */
export async function branchLayout(view: GraphView, p: BranchParse, channels: number): Promise<BranchLayout | string> {
  const padOf = p.kind === "identity" ? undefined : p.pad?.op.pads;
  switch (p.kind) {
    case "identity": {
      const bn = await composeAffine(p.after, channels);
      return { branch: bn ? { kind: "identity", bn } : { kind: "identity" }, kernels: [] };
    }
    case "avgpool": {
      const op = p.pool.op;
      const own = effectivePads(op.padding, op.size, op.stride, [1, 1], inputSize(view, p.root, padOf));
      if (own === undefined) return `SAME padding of '${p.pool.id}' needs the input size`;
      const bn = await composeAffine(p.after, channels);
      return { branch: { kind: "avgpool", size: op.size, stride: op.stride, pads: addPads(own, padOf), ...(bn ? { bn } : {}) }, kernels: [] };
    }
    case "conv":
    case "sequential": {
      const op = p.conv.op;
      const shape = kshape(op.kernel);
      const sizeAtConv = p.kind === "conv" ? inputSize(view, p.root, padOf) : inputSize(view, p.root, padOf);
      const own = effectivePads(op.padding, [shape[2], shape[3]], op.stride, op.dilation, sizeAtConv);
      if (own === undefined) return `SAME padding of '${p.conv.id}' needs the input size`;
      const pads = addPads(own, padOf);
      const bias = op.bias ? await op.bias.values() : undefined;
      const bn = await composeAffine(p.after, shape[0]);
      const geometry = { stride: op.stride, pads, dilation: op.dilation, groups: op.groups };
      if (p.kind === "conv") {
        return { branch: { kind: "conv", kernel: { shape }, ...geometry, ...(bias ? { bias } : {}), ...(bn ? { bn } : {}) }, kernels: [op.kernel] };
      }
      const f = p.first.op;
      const fshape = kshape(f.kernel);
      const fbias = f.bias ? await f.bias.values() : undefined;
      const fbn = await composeAffine(p.between, fshape[0]);
      return {
        branch: {
          kind: "sequential",
          first: { kernel: { shape: fshape }, ...(fbias ? { bias: fbias } : {}), ...(fbn ? { bn: fbn } : {}) },
          second: { kernel: { shape }, ...(bias ? { bias } : {}), ...(bn ? { bn } : {}) },
          ...geometry,
          padding: "zero",
        },
        kernels: [f.kernel, op.kernel],
      };
    }
  }
}

/** Input channels a parse implies, if it says (conv kernels, BN lengths). */
export function parseChannels(p: BranchParse): number | undefined {
  if (p.kind === "conv") return p.conv.op.kernel.shape[1]! * p.conv.op.groups;
  if (p.kind === "sequential") return p.first.op.kernel.shape[1]! * p.first.op.groups;
  return affineChannels(p.after);
}
