import { graphView, type GraphNodeView, type GraphView } from "@reparam/core";
import type { Float32Pool } from "../codec/_float32-pool.js";
import { graphIndex, parseInput, producerName, type GraphIndex } from "./_graph-index.js";
import { graphNodeOp } from "./_graph-node-op.js";
import { graphSizes } from "./_graph-sizes.js";
import { stridedConvs } from "./_strided-conv.js";
import { affineBatchNorms } from "./_affine-batchnorm.js";
import { graphDims } from "./_graph-dims.js";
import { graphLayoutOp } from "./_graph-layout-op.js";
import type { GraphDefJson } from "../codec/graph-topology.js";
import type { TfjsModel } from "../codec/tfjs-model.js";

/** A graph model as a graph view, with the index its rewrite uses. */
export interface GraphModelView {
  readonly view: GraphView;
  readonly index: GraphIndex;
  /** A view node that stands for more than its own NodeDef: its id -> the other node names (a conv's StridedSlice). */
  readonly absorbed: ReadonlyMap<string, readonly string[]>;
}

/** `v` with its per-channel op marked channels-last (a BatchNorm also with its input's rank, where known). */
function channelsLast(v: GraphNodeView, rank: (t: string) => number | undefined): GraphNodeView {
  const op = v.op;
  if (op.kind === "batchnorm") {
    const r = rank(v.inputs[0]!);
    return { ...v, op: { ...op, channelsLast: true, ...(r === undefined ? {} : { rank: r }) } };
  }
  if (op.kind === "conv" || op.kind === "affine" || op.kind === "avgpool")
    return { ...v, op: { ...op, channelsLast: true } };
  return v;
}

/**
 * The matcher's view of a graph model: one node per non-constant NodeDef
 * (Const and Identity-of-Const are constants, read from the weights
 * manifest), tensors named `node` (output 0) or `node:k`. A node with a
 * control input, or whose outputs other than the first are read, is "other".
 * Model outputs are the signature's outputs, or (without a signature) the
 * nodes nothing reads. Kernels load into arrays from `pool` when one is given.
 * A stride-1 conv read only by a StridedSlice that keeps every s-th row and
 * column is one strided conv (`stridedConvs`; the slice is `absorbed`); a
 * per-channel Mul + Add one BatchNorm (`affineBatchNorms`; the Add is
 * `absorbed`). Reshape / ExpandDims / Squeeze / Transpose are layout ops
 * between the dims `graphDims` knows; convs, BatchNorms, affines and pools
 * are `channelsLast` (NHWC).
 */
export function graphModelView(model: TfjsModel, pool?: Float32Pool): GraphModelView {
  const index = graphIndex(model.json.modelTopology as GraphDefJson, model.weights);
  const signature = model.json.signature;
  const nodes = index.nodes.filter((n) => !index.isConstant(n.name));
  const readers = new Map<string, number>();
  for (const n of index.nodes)
    for (const i of n.input ?? []) {
      const t = parseInput(i).tensor;
      readers.set(t, (readers.get(t) ?? 0) + 1);
    }
  const read = new Set(readers.keys());
  const extraOutputs = new Map<string, string[]>();
  for (const t of read) {
    const p = producerName(t);
    if (p !== t) extraOutputs.set(p, [...(extraOutputs.get(p) ?? []), t]);
  }
  const sizes = graphSizes(index, signature);
  const size = (t: string) => (producerName(t) === t ? sizes.get(t) : undefined);
  const dims = graphDims(index, (n) => sizes.get(n), signature);
  const dimsOf = (t: string) => (producerName(t) === t ? dims.get(t) : undefined);
  const views = nodes.map((n): GraphNodeView => {
    const parsed = (n.input ?? []).map(parseInput);
    const { op, data } = graphNodeOp(n, index, pool);
    const layout = op.kind === "other" ? graphLayoutOp(n, index, dimsOf) : undefined;
    const controls = parsed.filter((i) => i.control).map((i) => i.tensor);
    const extra = extraOutputs.get(n.name) ?? [];
    const plain = controls.length === 0 && extra.length === 0;
    return {
      id: n.name,
      op: !plain ? { kind: "other" } : layout ? { kind: "layout", layout } : op,
      inputs: [...data, ...controls],
      outputs: [n.name, ...extra],
    };
  });
  const sigOutputs = Object.values(signature?.outputs ?? {}).flatMap((o) =>
    o.name === undefined ? [] : [parseInput(o.name).tensor],
  );
  const outputs = sigOutputs.length > 0 ? sigOutputs : nodes.filter((n) => !read.has(n.name)).map((n) => n.name);
  const isOutput = (t: string) => outputs.includes(t);
  const count = (t: string) => readers.get(t) ?? 0;
  const strided = stridedConvs(views, index, size, count, isOutput);
  const bns = affineBatchNorms(strided.views, count, isOutput);
  const nhwc = bns.views.map((v) => channelsLast(v, (t) => dimsOf(t)?.length));
  const view: GraphView = graphView(nhwc, outputs, (t) => strided.sizes.get(t) ?? size(t));
  return { view, index, absorbed: new Map([...strided.absorbed, ...bns.absorbed]) };
}
