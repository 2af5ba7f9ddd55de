import type { ConstRef, GraphNodeView, GraphView } from "./graph-view.js";
import type { AffineNode } from "./parse-branch.js";

/**
 * A tree of sums flattened: its nodes (root last), its leaves, the tensor it
 * produces, and per leaf the scales the tree applies to it on the way to the
 * root (a Sub's second input: -1; a constant Mul over a sub-sum, FastViT's
 * `layer_scale * (mixer(x) - norm(x))`), in application order.
 */
export interface SumTree {
  readonly nodes: readonly GraphNodeView[];
  readonly leaves: readonly string[];
  readonly scales: readonly (readonly AffineNode[])[];
  readonly output: string;
}

const isSum = (n: GraphNodeView | undefined): n is GraphNodeView =>
  n !== undefined && (n.op.kind === "add" || (n.op.kind === "sub" && n.inputs.length === 2)) && n.outputs.length === 1;

/** A constant Mul with no shift: it distributes over a sum (a shift would be added once per leaf). */
const isScale = (n: GraphNodeView | undefined): n is AffineNode =>
  n !== undefined &&
  n.op.kind === "affine" &&
  n.op.scale !== undefined &&
  n.op.shift === undefined &&
  n.inputs.length === 1 &&
  n.outputs.length === 1;

const MINUS_ONE: ConstRef = { shape: [1], values: async () => Float64Array.of(-1) };

/** The Sub's second input read as x * -1: an affine node named after the Sub, which stays in the tree's nodes. */
function negation(sub: GraphNodeView): AffineNode {
  return { id: sub.id, op: { kind: "affine", scale: MINUS_ONE }, inputs: [], outputs: [] } as AffineNode;
}

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

/** A scale over a sum that feeds only it: the sum is part of the tree above the scale. */
function scaledSum(view: GraphView, n: GraphNodeView | undefined): GraphNodeView | undefined {
  if (!isScale(n)) return undefined;
  const inner = view.producer(n.inputs[0]!);
  return isSum(inner) && onlyFeeds(view, n.inputs[0]!, n) ? inner : undefined;
}

/** The node a sum (or a scale over one) flows into when that is part of a bigger tree. */
function parentOf(view: GraphView, n: GraphNodeView): GraphNodeView | undefined {
  const out = n.outputs[0]!;
  const next = view.consumers(out);
  if (next.length !== 1 || !onlyFeeds(view, out, next[0]!)) return undefined;
  const up = next[0]!;
  if (isSum(up)) return up;
  return isScale(up) && isSum(n) ? parentOf(view, up) : undefined;
}

/**
 * Finds the roots of sum trees (a sum whose output does not flow, alone,
 * into another sum, directly or through a constant scale) and flattens each:
 * an inner sum joins the tree only if its output feeds nothing but the next
 * sum or scale. Sub is a sum whose second input is negated; a constant scale
 * (no shift) over an inner sum multiplies each of its leaves.
 */
export function findSumTrees(view: GraphView): SumTree[] {
  const trees: SumTree[] = [];
  for (const root of view.nodes) {
    if (!isSum(root) || parentOf(view, root) !== undefined) continue;
    const tree = sumTreeAt(view, root);
    if (tree !== undefined) trees.push(tree);
  }
  return trees;
}

/**
 * The sum tree rooted at `root` (see {@link findSumTrees}), or undefined
 * when it has fewer than two leaves.
 */
export function sumTreeAt(view: GraphView, root: GraphNodeView): SumTree | undefined {
  const nodes: GraphNodeView[] = [];
  const leaves: string[] = [];
  const scales: AffineNode[][] = [];
  const walk = (n: GraphNodeView, outer: readonly AffineNode[]) => {
    n.inputs.forEach((t, i) => {
      const applied = n.op.kind === "sub" && i === 1 ? [negation(n), ...outer] : outer;
      const p = view.producer(t);
      const inner = onlyFeeds(view, t, n) ? scaledSum(view, p) : undefined;
      if (isSum(p) && onlyFeeds(view, t, n)) walk(p, applied);
      else if (inner !== undefined) {
        walk(inner, [p as AffineNode, ...applied]);
        nodes.push(p!);
      } else {
        leaves.push(t);
        scales.push([...applied]);
      }
    });
    nodes.push(n);
  };
  walk(root, []);
  return leaves.length >= 2 ? { nodes, leaves, scales, output: root.outputs[0]! } : undefined;
}

/**
 * The trees rooted at the sums that feed `tree`'s root directly (through a
 * scale or not): when the whole tree is not one block, a part of it may be
 * (RepGhost's `cheap(x) + fusion_bn(x)` inside a residual `shortcut + ...`).
 */
export function childSumTrees(view: GraphView, tree: SumTree): SumTree[] {
  const root = tree.nodes[tree.nodes.length - 1]!;
  const inside = new Set(tree.nodes);
  const out: SumTree[] = [];
  for (const t of root.inputs) {
    const first: GraphNodeView | undefined = view.producer(t);
    // Through a scale over a sub-sum (a tree node that is not a sum).
    const scale = first !== undefined && inside.has(first) && isScale(first) ? first : undefined;
    const p = scale === undefined ? first : view.producer(scale.inputs[0]!);
    if (p === undefined || !isSum(p) || !inside.has(p)) continue;
    const sub = sumTreeAt(view, p);
    if (sub !== undefined) out.push(sub);
  }
  return out;
}
