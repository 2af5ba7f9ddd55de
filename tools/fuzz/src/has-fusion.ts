import type { BlockSpec } from "./block-spec.js";

/**
 * True when a block (as stored) still has something to fuse: more than one
 * branch, a post-sum BN, or a branch that is more than a plain conv (a BN,
 * a pool, a 1x1 -> kxk). A lone conv with its BN folded by an exporter is
 * already a deploy conv.
 */
export function hasFusion(spec: BlockSpec): boolean {
  if (spec.branches.length > 1 || spec.postBn !== undefined) return true;
  const b = spec.branches[0];
  return b !== undefined && (b.kind !== "conv" || b.bn !== undefined);
}
