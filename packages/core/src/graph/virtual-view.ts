import type { FusedConv } from "../block/block.js";
import { fuseWithPlan } from "../engine/fuse-block.js";
import { type GraphNodeView, type GraphView, graphView } from "./graph-view.js";
import type { GraphBlockMatch } from "./make-match.js";

/**
 * True when a match can stand for one conv node in the next round of
 * matching: it is planned, it removes more than one node, and it is not part
 * of a pre-BN group (those also remove BatchNorms outside their nodes, and
 * fuse whole or not at all, so they are matched on the last view only).
 */
export function canStandAsConv(m: GraphBlockMatch): boolean {
  return (
    m.candidate.plan?.ok === true && m.nodes.length > 1 && m.candidate.group === undefined && m.bypass === undefined
  );
}

/** The model's own nodes `nodes` stand for (a virtual node's, recursively), in the order of `order`. */
export function expandNodes(
  nodes: readonly GraphNodeView[],
  virtual: ReadonlyMap<GraphNodeView, GraphBlockMatch>,
  order: ReadonlyMap<GraphNodeView, number>,
): GraphNodeView[] {
  const out = nodes.flatMap((n) => virtual.get(n)?.nodes ?? [n]);
  return out.sort((a, b) => order.get(a)! - order.get(b)!);
}

/** A match with its nodes replaced by the model's own (see {@link expandNodes}), and the blocks merged in as its candidate's `parts`. */
export function expandMatch(
  m: GraphBlockMatch,
  virtual: ReadonlyMap<GraphNodeView, GraphBlockMatch>,
  order: ReadonlyMap<GraphNodeView, number>,
): GraphBlockMatch {
  const parts = m.nodes.flatMap((n) => virtual.get(n)?.candidate ?? []);
  if (parts.length === 0) return m;
  return { ...m, nodes: expandNodes(m.nodes, virtual, order), candidate: { ...m.candidate, parts } };
}

/**
 * One conv node standing for match `m`: it reads the block's input and
 * makes its output, with the planned geometry, and its kernel and bias are
 * the block fused in float64 (computed on first read, never rounded: a
 * block that merges it rounds once, at the end). A block of Linears stays
 * a Linear, and a block of channels-last convs (TF's NHWC) channels-last.
 */
function convNode(m: GraphBlockMatch, id: string): GraphNodeView {
  const plan = m.candidate.plan;
  if (plan?.ok !== true) throw new TypeError(`convNode: block '${m.candidate.name}' is not planned`);
  const { kernelShape, stride, pads, dilation, groups } = plan.plan;
  // Kept until both the kernel and the bias have been read once (a merged block loads them together), then
  // dropped: a model of many merged blocks holds no float64 copy of each for the whole conversion.
  let fused: Promise<FusedConv> | undefined;
  const taken = { kernel: false, bias: false };
  const read = async <T>(part: "kernel" | "bias", get: (f: FusedConv) => T): Promise<T> => {
    fused ??= m.candidate.load().then((block) => fuseWithPlan(block, plan.plan));
    const f = await fused;
    taken[part] = true;
    if (taken.kernel && taken.bias) {
      fused = undefined;
      taken.kernel = taken.bias = false;
    }
    return get(f);
  };
  const convs = m.nodes.filter((n) => n.op.kind === "conv");
  const every = (f: (op: Extract<GraphNodeView["op"], { kind: "conv" }>) => boolean) =>
    convs.length > 0 && convs.every((n) => n.op.kind === "conv" && f(n.op));
  const linear = every((op) => op.linear === true);
  const channelsLast = every((op) => op.channelsLast === true);
  return {
    id,
    op: {
      kind: "conv",
      kernel: { shape: kernelShape, values: () => read("kernel", (f) => f.kernel.data) },
      bias: { shape: [kernelShape[0]], values: () => read("bias", (f) => f.bias) },
      stride,
      padding: { kind: "explicit", pads },
      dilation,
      groups,
      ...(linear ? { linear: true } : {}),
      ...(channelsLast ? { channelsLast: true } : {}),
    },
    inputs: [m.input],
    outputs: [m.output],
  };
}

/**
 * The view with each of `merged` replaced by one conv node (see
 * {@link convNode}) where its last node was; `virtual` learns what each new
 * node stands for, with the model's own nodes (`order`: their places in the
 * model's view): `made`, in the order of `merged`.
 */
export function mergedView(
  view: GraphView,
  merged: readonly GraphBlockMatch[],
  virtual: Map<GraphNodeView, GraphBlockMatch>,
  order: ReadonlyMap<GraphNodeView, number>,
): { view: GraphView; made: GraphBlockMatch[] } {
  const made: GraphBlockMatch[] = [];
  const gone = new Set(merged.flatMap((m) => m.nodes));
  const ids = new Set(view.nodes.filter((n) => !gone.has(n)).map((n) => n.id));
  const place = new Map(view.nodes.map((n, i) => [n, i]));
  const replaced = new Map<GraphNodeView, GraphNodeView | null>(); // last node -> its block's node; others -> null
  for (const m of merged) {
    // A conv and what it folds keeps the conv's name (refusals that name it stay true); a bigger block is the block.
    const convs = m.nodes.filter((n) => n.op.kind === "conv");
    const base = convs.length === 1 ? convs[0]!.id : m.candidate.name;
    let id = base;
    for (let k = 2; ids.has(id); k++) id = `${base}#${k}`;
    ids.add(id);
    const node = convNode(m, id);
    const expanded = expandMatch(m, virtual, order);
    virtual.set(node, expanded);
    made.push(expanded);
    const last = m.nodes.reduce((a, b) => (place.get(b)! > place.get(a)! ? b : a));
    for (const n of m.nodes) replaced.set(n, n === last ? node : null);
  }
  const nodes = view.nodes.flatMap((n) => {
    const r = replaced.get(n);
    return r === undefined ? [n] : r === null ? [] : [r];
  });
  const next = {
    ...graphView(nodes, [], (t) => view.spatialSize(t)),
    isGraphOutput: (t: string) => view.isGraphOutput(t),
  };
  return { view: next, made };
}
