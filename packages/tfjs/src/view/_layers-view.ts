import { graphView, type GraphNodeView, type GraphView } from "@reparam/core";
import type { Float32Pool } from "../codec/_float32-pool.js";
import { kerasGraph, layerName, type KerasGraph } from "./_keras-graph.js";
import { kerasLayerOp } from "./_keras-layer-op.js";
import { tensorId, type TensorRef } from "./_keras-refs.js";
import { kerasSizes } from "./_keras-sizes.js";
import { layerWeights } from "./_layer-weights.js";
import type { LayersTopologyJson } from "../codec/layers-topology.js";
import type { TfjsModel } from "../codec/tfjs-model.js";

/** A layers model as a graph view, and what its rewrite needs to map ids back. */
export interface LayersView {
  readonly view: GraphView;
  readonly graph: KerasGraph;
  /** Tensor id -> the Keras reference it stands for. */
  readonly refs: ReadonlyMap<string, TensorRef>;
  /** Node id -> the weights its op reads (all the weights of a fusable layer). */
  readonly weightsOf: ReadonlyMap<string, readonly string[]>;
}

/**
 * The matcher's view of a layers model: one node per layer call, tensors
 * named by {@link tensorId}, NHWC layers read with core's NCHW/OIHW
 * semantics, spatial sizes propagated from the input shape. A layer called
 * more than once shares its weights between calls and is never fused.
 * Kernels load into arrays from `pool` when one is given.
 */
export function layersView(model: TfjsModel, pool?: Float32Pool): LayersView {
  const graph = kerasGraph(model.json.modelTopology as LayersTopologyJson);
  const find = layerWeights(model.weights);
  const refs = new Map<string, TensorRef>();
  const note = (r: TensorRef): string => {
    const id = tensorId(r);
    refs.set(id, r);
    return id;
  };
  // Outputs of a call: its first tensor, plus any other tensor someone reads.
  const extra = new Map<string, Set<string>>();
  for (const r of [...graph.nodes.flatMap((n) => n.inputs), ...graph.outputs]) {
    const key = `${r.layer}#${r.node}`;
    if (!extra.has(key)) extra.set(key, new Set());
    extra.get(key)!.add(note(r));
  }
  const weightsOf = new Map<string, readonly string[]>();
  const nodes = graph.nodes.map((n): GraphNodeView => {
    const name = layerName(n.layer);
    const first = note({ layer: name, node: n.call, tensor: 0 });
    const outputs = [first, ...[...(extra.get(`${name}#${n.call}`) ?? [])].filter((t) => t !== first)];
    const read = n.shared
      ? { op: { kind: "other" as const }, weights: [] }
      : kerasLayerOp(n.layer, (short) => find(name, short), pool);
    weightsOf.set(n.id, read.weights);
    return { id: n.id, op: read.op, inputs: n.inputs.map(note), outputs };
  });
  const sizes = kerasSizes(graph);
  const view = graphView(nodes, graph.outputs.map(tensorId), (t) => sizes.get(t));
  return { view, graph, refs, weightsOf };
}
