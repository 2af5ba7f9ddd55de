import type { Block } from "../block/block.js";
import type { KernelShape } from "../block/kernel.js";

/**
 * Names a block's family from its branches: `conv-bn` (one conv + BN),
 * `dbb` (1x1 -> kxk or avg-pool branches), `qarepvgg` (BN after the sum),
 * `acnet` (kx1 / 1xk branches), `mobileone` (several kxk branches),
 * otherwise `repvgg`.
 */
export function classifyFamily(block: Block<KernelShape>): string {
  const bs = block.branches;
  if (bs.length === 1 && block.postBn === undefined && bs[0]!.kind === "conv") return "conv-bn";
  if (bs.some((b) => b.kind === "sequential" || b.kind === "avgpool")) return "dbb";
  if (block.postBn !== undefined) return "qarepvgg";
  const convs = bs.flatMap((b) => (b.kind === "conv" ? [b.kernel.shape] : []));
  if (convs.some((s) => s[2] !== s[3])) return "acnet";
  if (convs.filter((s) => s[2] > 1).length > 1) return "mobileone";
  return "repvgg";
}
