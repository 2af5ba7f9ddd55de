import { batchNormAffine } from "./batch-norm.js";
import type { Block, Branch, ConvGeometry, Pair } from "./block.js";
import { blockGeometry, type Placement } from "./block-geometry.js";
import type { KernelShape } from "./kernel.js";
import { checkVectors } from "./check-vectors.js";
import { refusal, type Refusal } from "./refusal.js";

/** What a block fuses into, known from shapes and BatchNorms alone. */
export interface FusePlan extends ConvGeometry {
  /** OIHW shape of the fused kernel. */
  readonly kernelShape: readonly [number, number, number, number];
  /** Where each branch's kernel lands, in branch order. */
  readonly placements: readonly Placement[];
}

/** The result of {@link planBlock}. */
export type PlanResult = { readonly ok: true; readonly plan: FusePlan } | { readonly ok: false; readonly refusal: Refusal };

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Output channels of a branch. */
export function branchOutChannels(b: Branch<KernelShape>, inChannels: number): number {
  if (b.kind === "conv") return b.kernel.shape[0];
  if (b.kind === "sequential") return b.second.kernel.shape[0];
  return inChannels;
}

function checkChannels(block: Block<KernelShape>): Refusal | undefined {
  const c = block.inChannels;
  const outs = block.branches.map((b) => branchOutChannels(b, c));
  if (outs.some((o) => o !== outs[0])) return refusal(block.name, "CHANNEL_MISMATCH", `branches have ${outs.join(", ")} output channels`);
  for (const b of block.branches) {
    if (b.kind === "identity" || b.kind === "avgpool") {
      if (outs[0] !== c) return refusal(block.name, "IDENTITY_IMPOSSIBLE", `${b.kind} branch needs in == out channels, found ${c} -> ${outs[0]}`);
      continue;
    }
    const k = b.kind === "conv" ? b.kernel : b.first.kernel;
    if (k.shape[1] * b.groups !== c || k.shape[0] % b.groups !== 0) {
      return refusal(block.name, "CHANNEL_MISMATCH", `a ${b.kind} branch reads ${k.shape[1]} x ${b.groups} groups channels, the input has ${c}`);
    }
    if (b.kind === "sequential") {
      const [m, , fh, fw] = b.first.kernel.shape;
      if (fh !== 1 || fw !== 1 || b.second.kernel.shape[1] * b.groups !== m) {
        return refusal(block.name, "SEQUENTIAL_SHAPE", `1x1 -> kxk branch with kernels ${b.first.kernel.shape.join("x")} and ${b.second.kernel.shape.join("x")}`);
      }
    }
  }
  return undefined;
}

/** DBB's 1x1 -> kxk padded with zeros is exact only if the 1x1 (+BN) maps zero to zero. */
function checkSequentialPadding(block: Block<KernelShape>): Refusal | undefined {
  for (const b of block.branches) {
    if (b.kind !== "sequential" || b.padding !== "zero" || b.pads.every((p) => p === 0)) continue;
    const m = b.first.kernel.shape[0];
    const bias = b.first.bias;
    const affine = b.first.bn === undefined ? undefined : batchNormAffine(b.first.bn);
    for (let c = 0; c < m; c++) {
      const raw = bias === undefined ? 0 : bias[c]!;
      const zeroResponse = affine === undefined ? raw : raw * affine.scale[c]! + affine.shift[c]!;
      if (zeroResponse !== 0) {
        return refusal(block.name, "SEQUENTIAL_PADDING", "1x1 -> kxk pads with zeros but the 1x1 gives a non-zero output for a zero input");
      }
    }
  }
  return undefined;
}

/**
 * Decides from shapes, geometry and BatchNorms alone whether a block fuses
 * exactly and into what: groups are the gcd of the branches' groups (a
 * grouped kernel expands to fewer groups, never the other way), the kernel
 * size and pads come from {@link blockGeometry}.
 */
export function planBlock(block: Block<KernelShape>): PlanResult {
  if (block.branches.length === 0) return { ok: false, refusal: refusal(block.name, "EMPTY_BLOCK", "block has no branches") };
  const bad = checkChannels(block) ?? checkVectors(block, branchOutChannels(block.branches[0]!, block.inChannels)) ?? checkSequentialPadding(block);
  if (bad !== undefined) return { ok: false, refusal: bad };
  const geo = blockGeometry(block);
  if (!geo.ok) return geo;
  const c = block.inChannels;
  let groups = 0;
  for (const b of block.branches) if (b.kind === "conv" || b.kind === "sequential") groups = gcd(groups, b.groups);
  if (groups === 0) groups = c; // only identity / avg-pool branches: depthwise
  const [kh, kw]: Pair = geo.geometry.kernelSize;
  const { stride, pads, dilation, placements } = geo.geometry;
  const o = branchOutChannels(block.branches[0]!, c);
  return { ok: true, plan: { kernelShape: [o, c / groups, kh, kw], stride, pads, dilation, groups, placements } };
}
