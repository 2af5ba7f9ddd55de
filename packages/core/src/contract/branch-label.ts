import type { Block } from "../block/block.js";
import type { KernelShape } from "../block/kernel.js";

/**
 * A branch as reports name it, the same in `reparameterize`'s report and in
 * `inspect`: `3x3+bn`, `1x1` (a conv without its own BatchNorm), `1x1-3x3`
 * (DBB's 1x1 -> kxk), `identity+bn`, `identity`, `avgpool3x3`.
 */
export function branchLabel(b: Block<KernelShape>["branches"][number]): string {
  if (b.kind === "identity") return b.bn ? "identity+bn" : "identity";
  if (b.kind === "avgpool") return `avgpool${b.size.join("x")}`;
  const s = b.kind === "conv" ? b.kernel.shape : b.second.kernel.shape;
  return `${b.kind === "sequential" ? "1x1-" : ""}${s[2]}x${s[3]}${b.kind === "conv" && b.bn ? "+bn" : ""}`;
}
