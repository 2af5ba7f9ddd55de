import { avgPoolKernel } from "../branch/avgpool/avg-pool-kernel.js";
import { type AffineNode, affinesBefore } from "./affine-nodes.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";

type NodeOf<K extends string> = GraphNodeView & { readonly op: Extract<GraphNodeView["op"], { kind: K }> };

/** One conv of a chain and what lies between it and the conv before it. */
export interface ChainLink {
  readonly conv: NodeOf<"conv">;
  /** BN / affine nodes after the previous conv, before the Pad (all of them when there is no Pad). */
  readonly beforePad: readonly AffineNode[];
  /** A Pad in front of this conv (its frame holds afterPad(v), v its value). */
  readonly pad?: NodeOf<"pad">;
  /** BN / affine nodes between the Pad and this conv. */
  readonly afterPad: readonly AffineNode[];
}

/** conv_n(... conv_2(conv_1([Pad] X))) with BN / affine / Pad nodes between, and BN / affine nodes after. */
export interface ChainParse {
  readonly kind: "chain";
  readonly root: string;
  /** X's zero padding, in front of the first conv (a zero Pad only: the fused conv pads X with zeros). */
  readonly pad?: NodeOf<"pad">;
  /**
   * The convs, first to last; the first link has no nodes before it, unless
   * `pre`: then its BN / affine nodes (and Pad) stand between X and the
   * first conv, the chain's first stage (see {@link affineChains}).
   */
  readonly links: readonly ChainLink[];
  readonly pre?: true;
  readonly after: readonly AffineNode[];
}

/** Chains longer than this are not looked for (each one is composed on loading). */
const MAX_LINKS = 8;

const isConv = (n: GraphNodeView | undefined): n is NodeOf<"conv"> =>
  n !== undefined && n.op.kind === "conv" && n.inputs.length === 1;
/** Both convs, or both Linears: a chain never mixes them (a Linear reads [N, C], a conv an image). */
const sameKind = (a: NodeOf<"conv">, b: NodeOf<"conv">): boolean => (a.op.linear === true) === (b.op.linear === true);
/** True when a conv reads no padding: explicit zeros, VALID, or a 1x1 stride-1 SAME. */
function convUnpadded(op: NodeOf<"conv">["op"]): boolean {
  const p = op.padding;
  if (p.kind === "valid") return true;
  if (p.kind === "explicit") return p.pads.every((v) => v === 0);
  return op.kernel.shape[2] === 1 && op.kernel.shape[3] === 1 && op.stride[0] === 1 && op.stride[1] === 1;
}
const isPad = (n: GraphNodeView | undefined): n is NodeOf<"pad"> =>
  n !== undefined && n.op.kind === "pad" && n.inputs.length === 1;

/** What feeds `conv`: [A2] [Pad] [A1] and the tensor before them. */
function feed(view: GraphView, conv: NodeOf<"conv">): { link: ChainLink; from: string } {
  const outer = affinesBefore(view, conv.inputs[0]!);
  const p = view.producer(outer.start);
  if (!isPad(p)) return { link: { conv, beforePad: outer.chain, afterPad: [] }, from: outer.start };
  const inner = affinesBefore(view, p.inputs[0]!);
  return { link: { conv, beforePad: inner.chain, pad: p, afterPad: outer.chain }, from: inner.start };
}

/**
 * Every way to read the output of `last` (with BN / affine nodes `after`)
 * as a chain of at least two convs over some tensor: for each conv back from
 * `last` through BN / affine / Pad nodes (of any value: a frame), the chain
 * from it, rooted at its input, and, when a bare zero Pad feeds it, at the
 * Pad's input (the Pad is then X's padding). Shortest chains first. Whether the chain is exact at its
 * borders is decided when it is laid out (core's `composeChain`).
 */
export function parseChains(view: GraphView, last: NodeOf<"conv">, after: readonly AffineNode[]): ChainParse[] {
  if (!isConv(last)) return [];
  const links: ChainLink[] = [];
  const out: ChainParse[] = [];
  let cur = last;
  while (links.length < MAX_LINKS) {
    const { link, from } = feed(view, cur);
    const prev = view.producer(from);
    if (!isConv(prev) || !sameKind(prev, cur)) break;
    links.unshift(link);
    cur = prev;
    // The chain cur -> ...: rooted at cur's input, and at the Pad's input when only a Pad is in front of cur.
    const head = feed(view, cur).link;
    const chain = [{ conv: cur, beforePad: [], afterPad: [] }, ...links];
    out.push({ kind: "chain", root: cur.inputs[0]!, links: chain, after });
    if (
      head.pad !== undefined &&
      (head.pad.op.value ?? 0) === 0 &&
      head.beforePad.length === 0 &&
      head.afterPad.length === 0
    )
      out.push({ kind: "chain", root: head.pad.inputs[0]!, pad: head.pad, links: chain, after });
  }
  return out;
}

/**
 * The chains of {@link parseChains} (and `last` alone) whose first conv
 * reads X through BN / constant affine nodes, with a Pad between or not:
 * conv_n(... conv_1([A2] [Pad] A1(X))), rooted at X, the affine nodes a
 * first stage (a depthwise 1x1 conv with a bias). A Pad there holding that
 * stage's zero response (A1(0) = the Pad's value) makes it exact at the
 * borders, as any frame (core's `composeChain` proves it): a pre-affine
 * over the input of convs that pad it with that constant (x * s + t ->
 * Pad(t) -> conv is conv(A(Pad0(x)))). Read only where it may be exact: a
 * Pad of a non-zero value after the affine nodes (a zero one stays X's
 * padding after them, as before), or no Pad and a first conv that pads
 * nothing (beside such branches in a sum).
 */
export function affineChains(view: GraphView, last: NodeOf<"conv">, after: readonly AffineNode[]): ChainParse[] {
  if (!isConv(last) || last.op.linear === true) return [];
  const lone: ChainParse = {
    kind: "chain",
    root: last.inputs[0]!,
    links: [{ conv: last, beforePad: [], afterPad: [] }],
    after,
  };
  const out: ChainParse[] = [];
  for (const c of [lone, ...parseChains(view, last, after).filter((p) => p.pad === undefined)]) {
    const head = c.links[0]!.conv;
    const { link, from } = feed(view, head);
    // Affine nodes that a conv alone feeds are that conv's own (its BN), read with it; over a conv output that
    // other ops read too (a block input shared by branches), they are this branch's.
    const owned = isConv(view.producer(from)) && view.consumers(from).length === 1;
    if (link.beforePad.length + link.afterPad.length === 0 || owned) continue;
    // Only where the affine nodes may be exact: a constant Pad after them, or a first conv that pads nothing.
    if (link.pad === undefined ? !convUnpadded(head.op) : (link.pad.op.value ?? 0) === 0) continue;
    out.push({ kind: "chain", root: from, links: [link, ...c.links.slice(1)], after, pre: true });
  }
  return out;
}

/** The average pool each conv {@link poolChains} made stands for. */
const poolOf = new WeakMap<GraphNodeView, GraphNodeView>();

/**
 * The chains of {@link parseChains} that end in average pool `pool` (with its
 * divisor counting the padding, as the view reads every avgpool), the pool read
 * as the depthwise conv it is: a kernel of 1 / (kh kw) over the channels of
 * the conv before it. So a pool behind a frame (conv -> Pad(b) -> pool, the
 * Pad holding the conv's bias) composes, and the frame is proved, as for any conv.
 */
export function poolChains(view: GraphView, pool: NodeOf<"avgpool">, after: readonly AffineNode[]): ChainParse[] {
  const outer = affinesBefore(view, pool.inputs[0]!);
  const padded = view.producer(outer.start);
  const start = isPad(padded) ? affinesBefore(view, padded.inputs[0]!).start : outer.start;
  const prev = view.producer(start);
  if (!isConv(prev) || prev.op.linear === true || pool.inputs.length !== 1) return [];
  const c = prev.op.kernel.shape[0]!;
  const [kh, kw] = pool.op.size;
  const conv: NodeOf<"conv"> = {
    id: pool.id,
    inputs: pool.inputs,
    outputs: pool.outputs,
    op: {
      kind: "conv",
      kernel: { shape: [c, 1, kh, kw], values: async () => avgPoolKernel(c, c, kh, kw).data },
      stride: pool.op.stride,
      padding: pool.op.padding,
      dilation: [1, 1],
      groups: c,
    },
  };
  poolOf.set(conv, pool);
  return parseChains(view, conv, after);
}

/** The nodes a chain consumes, in order (a pool read as a conv is the pool). */
export function chainNodes(p: ChainParse): GraphNodeView[] {
  const real = (n: GraphNodeView) => poolOf.get(n) ?? n;
  return [
    ...(p.pad ? [p.pad] : []),
    ...p.links.flatMap((l) => [...l.beforePad, ...(l.pad ? [l.pad] : []), ...l.afterPad, real(l.conv)]),
    ...p.after,
  ];
}
