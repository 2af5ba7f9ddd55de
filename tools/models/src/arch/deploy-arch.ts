import type { Arch, ArchBlock } from "./arch.js";

/**
 * The deploy form of a train-form architecture: every block becomes one conv
 * with bias at its `reparam` path, of the largest kernel among its branches
 * (stride, groups, SE, activation kept; a post-sum BN is folded away).
 * Idempotent.
 */
export function deployArch(arch: Arch): Arch {
  if (arch.form === "deploy") return arch;
  return { ...arch, form: "deploy", blocks: arch.blocks.map(deployBlock) };
}

function deployBlock(b: ArchBlock): ArchBlock {
  let kh = 1;
  let kw = 1;
  for (const br of b.branches) {
    if (br.kind === "identity") continue;
    kh = Math.max(kh, br.kernel[0]);
    kw = Math.max(kw, br.kernel[1]);
  }
  return { ...b, branches: [{ kind: "conv", kernel: [kh, kw], conv: b.reparam, bias: true }], postBn: undefined };
}
