import type { GraphNodeView, GraphView } from "./graph-view.js";

type NodeOf<K extends string> = GraphNodeView & { readonly op: Extract<GraphNodeView["op"], { kind: K }> };
/** A BatchNorm or constant affine node. */
export type AffineNode = NodeOf<"batchnorm"> | NodeOf<"affine">;

/** True for a BatchNorm or constant affine node over one data input. */
export const isAffine = (n: GraphNodeView | undefined): n is AffineNode =>
  n !== undefined && (n.op.kind === "batchnorm" || n.op.kind === "affine") && n.inputs.length === 1;

/** Follows BN/affine nodes backwards from `t`; returns them in application order and the tensor they start from. */
export function affinesBefore(view: GraphView, t: string): { start: string; chain: AffineNode[] } {
  const chain: AffineNode[] = [];
  let cur = t;
  for (let p = view.producer(cur); isAffine(p); p = view.producer(cur)) {
    chain.unshift(p);
    cur = p.inputs[0]!;
  }
  return { start: cur, chain };
}
