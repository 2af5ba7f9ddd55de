import type { GraphProto, ModelProto, NodeProto, SparseTensorProto, TensorProto } from "onnx-buf";

/**
 * The initializers of a graph and of every subgraph in its nodes'
 * attributes (If/Loop/Scan bodies), depth first: the tensors onnx moves to
 * external data by default.
 */
export function* graphInitializers(graph: GraphProto): Generator<TensorProto> {
  yield* graph.initializer;
  for (const node of graph.node) {
    for (const g of subgraphs(node)) yield* graphInitializers(g);
  }
}

/**
 * Every tensor a model holds: initializers, sparse initializers' values and
 * indices, tensors in node attributes (Constant values), in subgraphs, in
 * functions and in training info. The tensors that may carry external data.
 */
export function* modelTensors(model: ModelProto): Generator<TensorProto> {
  if (model.graph !== undefined) yield* graphTensors(model.graph);
  for (const f of model.functions) yield* nodesTensors(f.node);
  for (const t of model.trainingInfo) {
    if (t.initialization !== undefined) yield* graphTensors(t.initialization);
    if (t.algorithm !== undefined) yield* graphTensors(t.algorithm);
  }
}

function* graphTensors(graph: GraphProto): Generator<TensorProto> {
  yield* graph.initializer;
  yield* sparse(graph.sparseInitializer);
  yield* nodesTensors(graph.node);
}

function* nodesTensors(nodes: readonly NodeProto[]): Generator<TensorProto> {
  for (const node of nodes) {
    for (const a of node.attribute) {
      if (a.t !== undefined) yield a.t;
      yield* a.tensors;
      yield* sparse(a.sparseTensor === undefined ? a.sparseTensors : [a.sparseTensor, ...a.sparseTensors]);
    }
    for (const g of subgraphs(node)) yield* graphTensors(g);
  }
}

function* sparse(list: readonly SparseTensorProto[]): Generator<TensorProto> {
  for (const s of list) {
    if (s.values !== undefined) yield s.values;
    if (s.indices !== undefined) yield s.indices;
  }
}

/** The graphs held by a node's attributes (`g` and `graphs`). */
export function subgraphs(node: NodeProto): GraphProto[] {
  const out: GraphProto[] = [];
  for (const a of node.attribute) {
    if (a.g !== undefined) out.push(a.g);
    out.push(...a.graphs);
  }
  return out;
}
