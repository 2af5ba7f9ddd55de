import type { Block, Pair } from "./block.js";
import { type BatchNorm, batchNormAffine } from "./batch-norm.js";
import { blockGeometry } from "./block-geometry.js";
import type { PlanResult } from "./fuse-plan.js";
import type { KernelShape } from "./kernel.js";
import { checkVectors } from "./check-vectors.js";
import { refusal, type Refusal } from "./refusal.js";
import { branchOutChannels, kindOf } from "../branch/branch-kinds.js";

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function checkChannels(block: Block<KernelShape>): Refusal | undefined {
  const c = block.inChannels;
  const outs = block.branches.map((b) => branchOutChannels(b, c));
  if (outs.some((o) => o !== outs[0]))
    return refusal(block.name, "CHANNEL_MISMATCH", `branches have ${outs.join(", ")} output channels`);
  for (const b of block.branches) {
    const bad = kindOf(b).checkChannels(b, block.name, c, outs[0]!);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/** Kind-specific checks that need sound vectors (DBB's zero padding). */
function checkExact(block: Block<KernelShape>): Refusal | undefined {
  for (const b of block.branches) {
    const bad = kindOf(b).checkExact?.(b, block.name);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/** True when a pre-BN only scales (its shift is exactly 0 in every channel): it commutes with zero padding. */
function scalesOnly(bn: BatchNorm): boolean {
  return batchNormAffine(bn, "pre-BN").shift.every((v) => v === 0);
}

/**
 * Decides from shapes, geometry and BatchNorms alone whether a block fuses
 * exactly and into what: groups are the gcd of the branches' groups (a
 * grouped kernel expands to fewer groups, never the other way), the kernel
 * size and pads come from {@link blockGeometry}. A pre-BN folds only into an
 * unpadded conv, unless it only scales.
 */
export function planBlock(block: Block<KernelShape>): PlanResult {
  if (block.branches.length === 0)
    return { ok: false, refusal: refusal(block.name, "EMPTY_BLOCK", "block has no branches") };
  const bad =
    checkChannels(block) ??
    checkVectors(block, branchOutChannels(block.branches[0]!, block.inChannels)) ??
    checkExact(block);
  if (bad !== undefined) return { ok: false, refusal: bad };
  const geo = blockGeometry(block);
  if (!geo.ok) return geo;
  const c = block.inChannels;
  let groups = 0;
  for (const b of block.branches) {
    const g = kindOf(b).groups(b);
    if (g !== undefined) groups = gcd(groups, g);
  }
  if (groups === 0) groups = c; // only identity / avg-pool branches: depthwise
  const [kh, kw]: Pair = geo.geometry.kernelSize;
  const { stride, pads, dilation, placements } = geo.geometry;
  if (block.preBn !== undefined && pads.some((p) => p !== 0) && !scalesOnly(block.preBn))
    return {
      ok: false,
      refusal: refusal(
        block.name,
        "PRE_BN_PADDED",
        `a BatchNorm before the branches cannot fold into a conv with pads ${pads.join(",")}: its zero border would become BN(0) = shift`,
      ),
    };
  const o = branchOutChannels(block.branches[0]!, c);
  return { ok: true, plan: { kernelShape: [o, c / groups, kh, kw], stride, pads, dilation, groups, placements } };
}
