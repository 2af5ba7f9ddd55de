import { type AffineNode, affinesBefore } from "./affine-nodes.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import { affineChains, type ChainParse, chainNodes, parseChains, poolChains } from "./parse-chain.js";

type NodeOf<K extends string> = GraphNodeView & { readonly op: Extract<GraphNodeView["op"], { kind: K }> };
export type { AffineNode } from "./affine-nodes.js";

/** One way to read a leaf of a sum as a linear branch over `root`. */
export type BranchParse =
  | { readonly kind: "identity"; readonly root: string; readonly after: readonly AffineNode[] }
  | {
      readonly kind: "conv";
      readonly root: string;
      readonly pad?: NodeOf<"pad">;
      readonly conv: NodeOf<"conv">;
      readonly after: readonly AffineNode[];
    }
  | {
      readonly kind: "avgpool";
      readonly root: string;
      readonly pad?: NodeOf<"pad">;
      readonly pool: NodeOf<"avgpool">;
      readonly after: readonly AffineNode[];
      /**
       * The BN / affine nodes that stood before `pad`, a Pad of a non-zero
       * value, now read after the pool (they lead `after`): exact only when
       * that value is their response to zero, in every channel (the layout checks).
       */
      readonly frame?: readonly AffineNode[];
    }
  | {
      /** second(afterPad(Pad(beforePad(first(X))))): DBB's 1x1 -> kxk, or 1x1 -> avg-pool. */
      readonly kind: "sequential";
      readonly root: string;
      /** The 1x1 conv (stride 1, no pads). */
      readonly first: NodeOf<"conv">;
      /** BN / affine nodes between the 1x1 and the Pad (all of them when there is no Pad). */
      readonly beforePad: readonly AffineNode[];
      readonly pad?: NodeOf<"pad">;
      /** BN / affine nodes between the Pad and the second op (BNAndPad's BN: its border holds their zero response). */
      readonly afterPad: readonly AffineNode[];
      /** The kxk conv or the average pool. */
      readonly second: NodeOf<"conv"> | NodeOf<"avgpool">;
      readonly after: readonly AffineNode[];
    }
  /** conv_n(... conv_1([Pad] X)) with BN / affine / Pad nodes between: any chain of convs (see parse-chain.ts). */
  | ChainParse;

const is = <K extends GraphNodeView["op"]["kind"]>(n: GraphNodeView | undefined, k: K): n is NodeOf<K> =>
  n !== undefined && n.op.kind === k && n.inputs.length === 1;

/**
 * An optional zero Pad in front of `t`: returns it and the tensor it pads.
 * A Pad of another value is no padding of X (the fused conv pads X with
 * zeros): the op then reads `t` itself (a chain may read such a Pad as a frame).
 */
function optionalPad(view: GraphView, t: string): { pad?: NodeOf<"pad">; input: string } {
  const p = view.producer(t);
  return is(p, "pad") && (p.op.value ?? 0) === 0 ? { pad: p, input: p.inputs[0]! } : { input: t };
}

/** A 1x1 conv at stride 1 without pads: the first conv of a sequential branch. */
function isPlain1x1(n: GraphNodeView | undefined): n is NodeOf<"conv"> {
  if (!is(n, "conv")) return false;
  const op = n.op;
  return (
    op.kernel.shape[2] === 1 &&
    op.kernel.shape[3] === 1 &&
    op.stride[0] === 1 &&
    op.stride[1] === 1 &&
    (op.padding.kind !== "explicit" || op.padding.pads.every((v) => v === 0))
  );
}

/**
 * Reads what feeds `second` as [A2] [Pad] [A1] conv_1x1(X); without a Pad
 * every affine node counts as A1 (between the 1x1 and the zero padding).
 */
function sequentialParse(
  view: GraphView,
  second: NodeOf<"conv"> | NodeOf<"avgpool">,
  after: readonly AffineNode[],
): BranchParse | undefined {
  const { start: padded, chain: outer } = affinesBefore(view, second.inputs[0]!);
  const { pad, input } = optionalPad(view, padded);
  const inner = pad === undefined ? { start: padded, chain: outer } : affinesBefore(view, input);
  const first = view.producer(inner.start);
  if (!isPlain1x1(first)) return undefined;
  // DBB's form shares its groups between the convs; other chains are read as chains.
  if (second.op.kind === "conv" && second.op.groups !== first.op.groups) return undefined;
  const afterPad = pad === undefined ? [] : outer;
  return {
    kind: "sequential",
    root: first.inputs[0]!,
    first,
    beforePad: inner.chain,
    afterPad,
    second,
    after,
    ...(pad ? { pad } : {}),
  };
}

/**
 * avgpool(A([Pad] X)) with A a BN / affine chain, read as A(avgpool([Pad] X)):
 * an average of A's outputs is A of their average, per channel, when the
 * pool adds no padding of its own (its zeros would not pass A). So the
 * chain after a BNAndPad-style Pad -> BN moves after the pool, and so does a
 * chain A before a Pad whose value is A's response to zero (`frame`: the
 * padded tensor is A of X padded with zeros). Undefined when no affine node
 * feeds the pool or the pool pads.
 */
function affinesThroughPool(
  view: GraphView,
  pool: NodeOf<"avgpool">,
  after: readonly AffineNode[],
): BranchParse | undefined {
  const padding = pool.op.padding;
  if (padding.kind === "same-upper" || padding.kind === "same-lower") return undefined;
  if (padding.kind === "explicit" && padding.pads.some((v) => v !== 0)) return undefined;
  const { start, chain } = affinesBefore(view, pool.inputs[0]!);
  const framing = view.producer(start);
  if (chain.length === 0 && is(framing, "pad") && (framing.op.value ?? 0) !== 0) {
    // Pad(v) of A(X), v = A(0): the frame is A of X's zero padding.
    const before = affinesBefore(view, framing.inputs[0]!);
    if (before.chain.length === 0) return undefined;
    const moved = [...before.chain, ...after];
    return { kind: "avgpool", root: before.start, pad: framing, pool, after: moved, frame: before.chain };
  }
  if (chain.length === 0) return undefined;
  const { pad, input } = optionalPad(view, start);
  return { kind: "avgpool", root: input, pool, after: [...chain, ...after], ...(pad ? { pad } : {}) };
}

/**
 * Every way to read the tensor `leaf` as a linear branch: X itself (with any
 * BN/affine chain), [BN] conv([Pad] X), [BN] avgpool([Pad] X), and DBB's
 * sequential branches [BN] conv_kxk([BN] [Pad] [BN] conv_1x1(X)) and
 * [BN] avgpool([BN] [Pad] [BN] conv_1x1(X)) (BNAndPad is Pad -> BN), any
 * chain of convs with BN / affine / Pad nodes between (SPAN's Conv3XC,
 * ECBSR's 1x1 -> depthwise mask conv, RepNeXt's 1xk -> kx1), and those
 * chains read from before the BN / affine nodes in front of their first conv
 * (a pre-affine whose zero response a constant Pad holds). Last,
 * the identity read from each later point of the BN/affine chain (a bare
 * identity over a tensor that a BN made: the convs read that tensor, not
 * the one before the BN). The caller picks the one whose root is the block
 * input shared by every leaf. Consumer checks (a Pad or conv shared by
 * several branches is fine when nothing outside the block reads it) and
 * whether the padding is exact come later.
 */
export function parseBranch(view: GraphView, leaf: string): BranchParse[] {
  const { start, chain: after } = affinesBefore(view, leaf);
  const parses: BranchParse[] = [{ kind: "identity", root: start, after }];
  const p = view.producer(start);
  if (is(p, "conv")) {
    const { pad, input } = optionalPad(view, p.inputs[0]!);
    parses.push({ kind: "conv", root: input, conv: p, after, ...(pad ? { pad } : {}) });
  } else if (is(p, "avgpool")) {
    const { pad, input } = optionalPad(view, p.inputs[0]!);
    parses.push({ kind: "avgpool", root: input, pool: p, after, ...(pad ? { pad } : {}) });
    const moved = affinesThroughPool(view, p, after);
    if (moved !== undefined) parses.push(moved);
    parses.push(...poolChains(view, p, after));
  }
  if (is(p, "conv") || is(p, "avgpool")) {
    const seq = sequentialParse(view, p, after);
    if (seq !== undefined) parses.push(seq);
  }
  // After DBB's form: a root both read is taken as DBB's (its own fast composition).
  if (is(p, "conv")) parses.push(...parseChains(view, p, after), ...affineChains(view, p, after));
  for (let i = 1; i <= after.length; i++)
    parses.push({ kind: "identity", root: i < after.length ? after[i]!.inputs[0]! : leaf, after: after.slice(i) });
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
      return [p.first, ...p.beforePad, ...(p.pad ? [p.pad] : []), ...p.afterPad, p.second, ...p.after];
    case "chain":
      return chainNodes(p);
  }
}
