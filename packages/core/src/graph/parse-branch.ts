import type { GraphNodeView, GraphView } from "./graph-view.js";

type NodeOf<K extends string> = GraphNodeView & { readonly op: Extract<GraphNodeView["op"], { kind: K }> };
/** A BatchNorm or constant affine node. */
export type AffineNode = NodeOf<"batchnorm"> | NodeOf<"affine">;

/** One way to read a leaf of a sum as a linear branch over `root`. */
export type BranchParse =
  | { readonly kind: "identity"; readonly root: string; readonly after: readonly AffineNode[] }
  | { readonly kind: "conv"; readonly root: string; readonly pad?: NodeOf<"pad">; readonly conv: NodeOf<"conv">; readonly after: readonly AffineNode[] }
  | { readonly kind: "avgpool"; readonly root: string; readonly pad?: NodeOf<"pad">; readonly pool: NodeOf<"avgpool">; readonly after: readonly AffineNode[] }
  | {
      readonly kind: "sequential";
      readonly root: string;
      readonly first: NodeOf<"conv">;
      readonly between: readonly AffineNode[];
      readonly pad?: NodeOf<"pad">;
      readonly conv: NodeOf<"conv">;
      readonly after: readonly AffineNode[];
    };

const isAffine = (n: GraphNodeView | undefined): n is AffineNode => n !== undefined && (n.op.kind === "batchnorm" || n.op.kind === "affine") && n.inputs.length === 1;
const is = <K extends GraphNodeView["op"]["kind"]>(n: GraphNodeView | undefined, k: K): n is NodeOf<K> => n !== undefined && n.op.kind === k && n.inputs.length === 1;

/** Follows BN/affine nodes backwards from `t`; returns them in application order and the tensor they start from. */
function affineChain(view: GraphView, t: string): { start: string; chain: AffineNode[] } {
  const chain: AffineNode[] = [];
  let cur = t;
  for (let p = view.producer(cur); isAffine(p); p = view.producer(cur)) {
    chain.unshift(p);
    cur = p.inputs[0]!;
  }
  return { start: cur, chain };
}

/** An optional zero Pad in front of `t`: returns it and the tensor it pads. */
function optionalPad(view: GraphView, t: string): { pad?: NodeOf<"pad">; input: string } {
  const p = view.producer(t);
  return is(p, "pad") ? { pad: p, input: p.inputs[0]! } : { input: t };
}

/**
 * Every way to read the tensor `leaf` as a linear branch: X itself (with any
 * BN/affine chain), [BN] conv([Pad] X), [BN] conv_kxk([Pad] [BN] conv_1x1(X))
 * (DBB), [BN] avgpool([Pad] X). The caller picks the one whose root is the
 * block input shared by every leaf. Consumer checks come later.
 */
export function parseBranch(view: GraphView, leaf: string): BranchParse[] {
  const { start, chain: after } = affineChain(view, leaf);
  const parses: BranchParse[] = [{ kind: "identity", root: start, after }];
  const p = view.producer(start);
  if (is(p, "conv")) {
    const { pad, input } = optionalPad(view, p.inputs[0]!);
    parses.push({ kind: "conv", root: input, conv: p, after, ...(pad ? { pad } : {}) });
    const { start: mid, chain: between } = affineChain(view, input);
    const first = view.producer(mid);
    const fop = first?.op;
    const plain1x1 =
      fop?.kind === "conv" &&
      fop.kernel.shape[2] === 1 &&
      fop.kernel.shape[3] === 1 &&
      fop.stride[0] === 1 &&
      fop.stride[1] === 1 &&
      (fop.padding.kind !== "explicit" || fop.padding.pads.every((v) => v === 0));
    if (plain1x1 && is(first, "conv")) {
      parses.push({ kind: "sequential", root: first.inputs[0]!, first, between, conv: p, after, ...(pad ? { pad } : {}) });
    }
  } else if (is(p, "avgpool")) {
    const { pad, input } = optionalPad(view, p.inputs[0]!);
    parses.push({ kind: "avgpool", root: input, pool: p, after, ...(pad ? { pad } : {}) });
  }
  return parses;
}

/** Nodes a parse consumes (all removed when the block is fused). */
export function parseNodes(p: BranchParse): GraphNodeView[] {
  switch (p.kind) {
    case "identity":
      return [...p.after];
    case "conv":
      return [...(p.pad ? [p.pad] : []), p.conv, ...p.after];
    case "avgpool":
      return [...(p.pad ? [p.pad] : []), p.pool, ...p.after];
    case "sequential":
      return [p.first, ...p.between, ...(p.pad ? [p.pad] : []), p.conv, ...p.after];
  }
}
