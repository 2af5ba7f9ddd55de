import type { BnSpec, BranchSpec, FamilyName } from "./block-spec.js";
import type { BlockDraw } from "./_block-draw.js";

/** What a family adds to the shared geometry: its branches, a post-sum BN (QARepVGG). */
export interface FamilyBlock {
  readonly branches: BranchSpec[];
  readonly postBn?: BnSpec;
}

/**
 * The branches of one family, with upstream roles (`rbr_dense`, `rbr_conv.0`,
 * `square`, `dbb_origin` ...), drawn as the family's own code builds them:
 * identities only where in == out and stride 1, DBB's 1x1 and averaging
 * branches as `DiverseBranchBlock` picks them by groups < out channels.
 */
export function familyBranches(family: FamilyName, d: BlockDraw, k: number): FamilyBlock {
  const { rng } = d;
  const id = d.identityPossible && rng.bool(0.85);
  switch (family) {
    case "conv-bn":
      return { branches: [d.conv("conv", k, k)] };
    case "repvgg":
    case "repconv": {
      const branches: BranchSpec[] = [d.conv("rbr_dense", k, k)];
      if (k === 1 || rng.bool(0.9)) branches.push(d.conv("rbr_1x1", 1, 1));
      if (id) branches.push(d.identity("rbr_identity"));
      return { branches };
    }
    case "qarepvgg": {
      // QARepVGG: rbr_1x1 is a bare conv, rbr_identity a bare nn.Identity (exactly when in == out and stride 1), then `bn`.
      const branches: BranchSpec[] = [d.conv("rbr_dense", k, k), d.conv("rbr_1x1", 1, 1, { bn: false, bias: 0.1 })];
      if (d.identityPossible) branches.push(d.identity("rbr_identity", true));
      return { branches, postBn: d.bn() };
    }
    case "mobileone": {
      const n = rng.int(1, 4);
      const branches: BranchSpec[] = [];
      for (let i = 0; i < n; i++) branches.push(d.conv(`rbr_conv.${i}`, k, k));
      if (k > 1 && rng.bool(0.9)) branches.push(d.conv("rbr_scale", 1, 1));
      if (id) branches.push(d.identity("rbr_skip"));
      return { branches };
    }
    case "acnet":
      return { branches: [d.conv("square", k, k), d.conv("ver", k, 1), d.conv("hor", 1, k)] };
    case "dbb": {
      const grouped = d.groups < d.outChannels;
      const branches: BranchSpec[] = [d.conv("dbb_origin", k, k, { bias: 0 })];
      if (grouped && rng.bool(0.85)) branches.push(d.conv("dbb_1x1", 1, 1, { bias: 0 }));
      if (rng.bool(0.9))
        branches.push(d.sequential("dbb_1x1_kxk", k, grouped ? d.inChannels : 2 * d.inChannels, false));
      // Without groups < out the pool reads x itself: only when in == out (DBB's depthwise case).
      if (rng.bool(0.9) && (grouped || d.inChannels === d.outChannels))
        branches.push(grouped ? d.sequential("dbb_avg", k, d.outChannels, true) : d.avgpool("dbb_avg", k));
      return { branches };
    }
  }
}
