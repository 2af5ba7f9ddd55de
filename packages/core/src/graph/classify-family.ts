import type { Block } from "../block/block.js";
import type { KernelShape } from "../block/kernel.js";

/**
 * A family of re-parameterizable blocks, as the graph matcher names it. The
 * matcher itself is structural (a sum of linear branches over one input,
 * whatever the family), so a family is only a name for a block's shape: a
 * new family whose blocks are sums of branch kinds the engine knows is fused
 * without a line of code, and naming it is one entry here.
 */
export interface FamilyPattern {
  readonly family: string;
  /** What its blocks look like, for help texts. */
  readonly description: string;
  /** True when `block`'s layout is this family's. */
  matches(block: Block<KernelShape>): boolean;
}

const convShapes = (block: Block<KernelShape>) =>
  block.branches.flatMap((b) => (b.kind === "conv" ? [b.kernel.shape] : []));

/** The families, most specific first: a block takes the first whose pattern it matches. */
export const familyPatterns: readonly FamilyPattern[] = [
  {
    family: "bn-conv",
    description: "BatchNorm before an unpadded conv or Linear (RepViT BN_Linear, LeViT, Next-ViT pre-BN)",
    matches: (b) => b.preBn !== undefined,
  },
  {
    // Named by the graph matcher (single-conv-blocks), never from a layout: a chain of constant
    // scale / shift nodes composes into the same BatchNorm form a real BatchNorm has.
    family: "conv-affine",
    description: "one conv followed by constant scale/shift nodes only (a bias Add), no BatchNorm",
    matches: () => false,
  },
  {
    // Named by the graph matcher: a chain of convs is laid out as the one conv it composes into.
    family: "conv-chain",
    description: "a sum with a branch that is a chain of convs (ECBSR, SPAN Conv3XC, RepNeXt 1xk -> kx1)",
    matches: () => false,
  },
  {
    family: "conv-bn",
    description: "one conv followed by BatchNorm (with or without constant scale/shift nodes)",
    matches: (b) => b.branches.length === 1 && b.postBn === undefined && b.branches[0]!.kind === "conv",
  },
  {
    family: "repmixer",
    description: "x + scale * (mixer(x) - norm(x)): several identity branches beside convs (FastViT RepMixer)",
    matches: (b) => b.branches.filter((x) => x.kind === "identity").length >= 2 && convShapes(b).length > 0,
  },
  {
    family: "repcpe",
    description: "x + conv(x), the conv without BatchNorm (FastViT RepCPE)",
    matches: (b) =>
      b.branches.length === 2 &&
      b.postBn === undefined &&
      b.branches.some((x) => x.kind === "identity" && x.bn === undefined) &&
      b.branches.some((x) => x.kind === "conv" && x.bn === undefined),
  },
  {
    family: "dbb",
    description: "Diverse Branch Block: 1x1 -> kxk sequences or avg-pool branches",
    matches: (b) => b.branches.some((x) => x.kind === "sequential" || x.kind === "avgpool"),
  },
  {
    family: "qarepvgg",
    description: "branches summed, then BatchNorm after the sum",
    matches: (b) => b.postBn !== undefined,
  },
  {
    family: "acnet",
    description: "asymmetric kx1 / 1xk branches beside a kxk conv",
    matches: (b) => convShapes(b).some((s) => s[2] !== s[3]),
  },
  {
    family: "dilated-reparam",
    description: "kxk conv beside dilated conv branches (UniRepLKNet)",
    matches: (b) => new Set(b.branches.flatMap((x) => (x.kind === "conv" ? [x.dilation.join("x")] : []))).size > 1,
  },
  {
    family: "large-kernel",
    description: "a large kernel (7x7 and up) beside smaller square kernels (RepLKNet, FastViT)",
    matches: (b) => {
      const sizes = new Set(convShapes(b).flatMap((s) => (s[2] === s[3] && s[2] > 1 ? [s[2]] : [])));
      return sizes.size > 1 && Math.max(...sizes) >= 7;
    },
  },
  {
    family: "mobileone",
    description: "several kxk conv+BN branches (with 1x1 and identity)",
    matches: (b) => convShapes(b).filter((s) => s[2] > 1).length > 1,
  },
  {
    family: "repvgg",
    description: "kxk conv+BN, 1x1 conv+BN and identity BN branches",
    matches: () => true,
  },
];

/** Names a block's family: the first of {@link familyPatterns} whose pattern it matches. */
export function classifyFamily(block: Block<KernelShape>): string {
  return familyPatterns.find((p) => p.matches(block))!.family;
}
