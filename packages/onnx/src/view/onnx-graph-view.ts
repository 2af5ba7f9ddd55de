import { graphView, type Block, type GraphNodeView, type GraphView, bufferPool } from "@reparam/core";
import type { ModelProto, NodeProto } from "onnx-buf";
import { defaultOpset } from "../codec/_attributes.js";
import { constantTable, type OnnxConstant } from "./_constant-table.js";
import { nodeReads } from "./_graph-names.js";
import { inferShapes, type Dims } from "./_infer-shapes.js";
import { layoutDims } from "./_layout-dims.js";
import { neutralOp } from "./_neutral-op.js";

/** An ONNX graph as core's matcher sees it, with the lookups the rewrite needs. */
export interface OnnxGraphView {
  readonly view: GraphView;
  /** The ONNX node behind each view node id. */
  readonly nodes: ReadonlyMap<string, NodeProto>;
  /**
   * Constant values by name: initializers, Constant nodes, and every node
   * the constant folder evaluates (see `constantTable`: Cast, Reshape, Pad
   * chains, Einsum-generated kernels, ...).
   * Initializers that are also graph inputs
   * are in too, marked by `graphInputs`: the adapter decides whether a block
   * that reads them fuses or is refused (see `initializersAsInputs`).
   */
  readonly constants: ReadonlyMap<string, OnnxConstant>;
  /** Known or inferred shapes by tensor name (unknown dims undefined). */
  readonly shapes: ReadonlyMap<string, Dims>;
  /** Version of the default ONNX domain. */
  readonly opset: number;
  /**
   * Lets the copies made of a loaded block's unaligned float32 kernels (see
   * `OnnxConstant.readFloats`) hold the next block's: call it once nothing
   * reads the block's kernels any more. Kernels that are views or widened
   * copies are left alone.
   */
  reuse(block: Block): void;
}

function kernelsOf(block: Block): ArrayBufferView[] {
  return block.branches.flatMap((b) =>
    b.kind === "conv" ? [b.kernel.data] : b.kind === "sequential" ? [b.first.kernel.data, b.second.kernel.data] : [],
  );
}

/** Unique ids: the node's name, or `<op>#<index>` when unnamed or taken. */
function nodeIds(nodes: readonly NodeProto[]): string[] {
  const seen = new Set<string>();
  return nodes.map((n, i) => {
    let id = n.name !== "" && !seen.has(n.name) ? n.name : `${n.opType}#${i}`;
    while (seen.has(id)) id = `${id}'`;
    seen.add(id);
    return id;
  });
}

/**
 * Builds the format-neutral view of a model's main graph (see core's
 * `matchBlocks`): each node's neutral op and its data inputs (constants are
 * not data), every name a node reads, subgraph captures included, so that
 * consumers are complete; graph outputs; spatial sizes from declared shapes
 * and a small shape propagation. Initializers also listed as graph inputs
 * (`keep_initializers_as_inputs`) read as constants here. Expects external
 * data already loaded.
 */
export function onnxGraphView(model: ModelProto): OnnxGraphView {
  const graph = model.graph;
  if (graph === undefined) throw new TypeError("onnxGraphView needs a model with a graph"); // decodeModel guarantees one
  const opset = defaultOpset(model.opsetImport);
  const pool = bufferPool();
  const constants = constantTable(graph, pool, true, opset);
  const shapes = inferShapes(graph, constants, opset);
  const readers = new Map<string, NodeProto[]>();
  for (const node of graph.node)
    for (const name of new Set(nodeReads(node))) {
      const list = readers.get(name);
      if (list === undefined) readers.set(name, [node]);
      else list.push(node);
    }
  const ctx = {
    readers: (t: string) => readers.get(t) ?? [],
    constants,
    opset,
    rank: (t: string) => shapes.get(t)?.length,
    dims: layoutDims(graph, constants, shapes, opset),
  };
  const ids = nodeIds(graph.node);
  const nodes = new Map<string, NodeProto>();
  const views = graph.node.map((node, i): GraphNodeView => {
    const id = ids[i]!;
    nodes.set(id, node);
    const reading = neutralOp(node, ctx);
    if (reading !== undefined) return { id, op: reading.op, inputs: reading.inputs, outputs: [...node.output] };
    return {
      id,
      op: { kind: "other" },
      inputs: nodeReads(node).filter((n) => n !== ""),
      outputs: node.output.filter((o) => o !== ""),
    };
  });
  const sizes = (t: string): readonly [number, number] | undefined => {
    const d = shapes.get(t);
    const h = d?.[2];
    const w = d?.[3];
    return d?.length === 4 && h !== undefined && w !== undefined ? [h, w] : undefined;
  };
  const reuse = (block: Block) => pool.reuse(kernelsOf(block));
  return {
    view: graphView(
      views,
      graph.output.map((v) => v.name),
      sizes,
    ),
    nodes,
    constants,
    shapes,
    opset,
    reuse,
  };
}

/** The graph inputs (initializers also listed as inputs) that the ONNX nodes behind `nodes` read as weights, sorted. */
export function weightInputs(g: OnnxGraphView, nodes: readonly GraphNodeView[]): string[] {
  const names = new Set<string>();
  for (const n of nodes)
    for (const i of g.nodes.get(n.id)?.input ?? []) for (const w of g.constants.get(i)?.graphInputs ?? []) names.add(w);
  return [...names].sort();
}

/** Integer initializers that `nodes` read through a `DequantizeLinear` (a QDQ model's weights), sorted. */
export function quantizedWeights(g: OnnxGraphView, nodes: readonly GraphNodeView[]): string[] {
  const names = new Set<string>();
  for (const n of nodes)
    for (const i of g.nodes.get(n.id)?.input ?? []) for (const w of g.constants.get(i)?.quantized ?? []) names.add(w);
  return [...names].sort();
}
