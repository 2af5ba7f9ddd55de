import type { BlockSpec, BranchSpec } from "../block-spec.js";
import { tfConvKind } from "./tf-kernel.js";

/** The convs of a branch as (in, out, groups, dilation). */
function convsOf(
  b: BranchSpec,
  spec: BlockSpec,
): { in: number; out: number; groups: number; dilation: readonly [number, number] }[] {
  const one = [1, 1] as const;
  if (b.kind === "conv")
    return [{ in: spec.inChannels, out: b.kernel.shape[0], groups: b.groups, dilation: b.dilation }];
  if (b.kind !== "sequential") return [];
  const m = b.first.kernel.shape[0];
  const first = { in: spec.inChannels, out: m, groups: b.groups, dilation: one };
  return b.second === undefined
    ? [first]
    : [first, { in: m, out: b.second.kernel.shape[0], groups: b.groups, dilation: one }];
}

/**
 * Why TF.js (layers or graph) cannot write `spec` as a block the converter
 * would see, or undefined: a grouped conv that is not depthwise, a dilated
 * conv at a stride > 1 (TF.js refuses the pair), a block of identities
 * alone, a lone branch that is not a conv (no Add: the matcher starts from
 * a conv).
 */
export function tfjsBlockProblem(spec: BlockSpec): string | undefined {
  for (const b of spec.branches) {
    for (const c of convsOf(b, spec)) {
      const kind = tfConvKind(c.in, c.out, c.groups);
      if (kind !== "conv" && kind !== "depthwise") return `${b.role}: ${kind}`;
      if (spec.stride > 1 && (c.dilation[0] > 1 || c.dilation[1] > 1))
        return `${b.role}: TF.js convs take a stride > 1 or a dilation > 1, not both`;
    }
  }
  if (spec.branches.every((b) => b.kind === "identity"))
    return "no branch with weights: nothing to write as a conv block";
  if (spec.branches.length === 1 && spec.branches[0]!.kind !== "conv")
    return `a lone ${spec.branches[0]!.kind} branch has no Add: not a block to the matcher`;
  return undefined;
}
