import type { GraphNodeView, GraphView } from "./graph-view.js";

/** An Add tree flattened: its nodes (root last), its leaves, and the tensor it produces. */
export interface SumTree {
  readonly nodes: readonly GraphNodeView[];
  readonly leaves: readonly string[];
  readonly output: string;
}

const isAdd = (n: GraphNodeView | undefined): n is GraphNodeView =>
  n !== undefined && n.op.kind === "add" && n.outputs.length === 1;

/** True when `t` feeds only `consumer` and is not a graph output. */
function onlyFeeds(view: GraphView, t: string, consumer: GraphNodeView): boolean {
  const cs = view.consumers(t);
  return (
    cs.length === 1 &&
    cs[0] === consumer &&
    !view.isGraphOutput(t) &&
    consumer.inputs.filter((i) => i === t).length === 1
  );
}

/**
 * Finds the roots of Add trees (an add whose output does not flow, alone,
 * into another add) and flattens each: an inner add joins the tree only if
 * its output feeds nothing but the next add.
 */
export function findSumTrees(view: GraphView): SumTree[] {
  const trees: SumTree[] = [];
  for (const root of view.nodes) {
    if (!isAdd(root)) continue;
    const out = root.outputs[0]!;
    const next = view.consumers(out);
    if (next.length === 1 && isAdd(next[0]) && onlyFeeds(view, out, next[0]!)) continue; // inner node of a bigger tree
    const nodes: GraphNodeView[] = [];
    const leaves: string[] = [];
    const walk = (n: GraphNodeView) => {
      for (const t of n.inputs) {
        const p = view.producer(t);
        if (isAdd(p) && onlyFeeds(view, t, n)) walk(p);
        else leaves.push(t);
      }
      nodes.push(n);
    };
    walk(root);
    if (leaves.length >= 2) trees.push({ nodes, leaves, output: out });
  }
  return trees;
}
