import type { GraphBlockMatch } from "@reparam/core";
import type { NodeProto } from "onnx-buf";
import { copyMessage } from "../codec/_copy-message.js";

/**
 * The BatchNorm / affine nodes the matches fold as a group's pre-BN
 * (`GraphBlockMatch.bypass`), by id, and for each tensor they made the
 * tensor its readers read now: the input of the first node of its chain
 * that is not bypassed (a BN after a bypassed BN reads that one's input).
 */
export function bypassed(matches: readonly GraphBlockMatch[]): { ids: Set<string>; renames: Map<string, string> } {
  const ids = new Set<string>();
  const step = new Map<string, string>();
  for (const m of matches)
    for (const n of m.bypass ?? []) {
      ids.add(n.id);
      step.set(n.outputs[0]!, n.inputs[0]!);
    }
  const renames = new Map<string, string>();
  for (const t of step.keys()) {
    let to = step.get(t)!;
    for (let i = 0; step.has(to) && i <= step.size; i++) to = step.get(to)!;
    renames.set(t, to);
  }
  return { ids, renames };
}

/** `node` reading the renamed tensors instead (the same node when it reads none of them). */
export function readingRenamed(node: NodeProto, renames: ReadonlyMap<string, string>): NodeProto {
  if (renames.size === 0 || !node.input.some((i) => renames.has(i))) return node;
  return copyMessage(node, { input: node.input.map((i) => renames.get(i) ?? i) });
}
