import type { GraphNodeView, GraphView } from "./graph-view.js";

/**
 * Why the nodes cannot be one block, if they cannot: every tensor made
 * inside it (but by `last`) must feed only the block and not be a model output.
 */
export function blockLeak(view: GraphView, nodes: readonly GraphNodeView[], last: GraphNodeView): string | undefined {
  const inside = new Set(nodes);
  for (const n of nodes) {
    if (n === last) continue;
    for (const t of n.outputs) {
      if (view.isGraphOutput(t)) return `tensor '${t}' inside the block is a model output`;
      const outside = view.consumers(t).find((c) => !inside.has(c));
      if (outside !== undefined) return `tensor '${t}' inside the block is also used by '${outside.id}'`;
    }
  }
  return undefined;
}
