import type { GraphProto, NodeProto } from "onnx-buf";
import { subgraphs } from "../codec/_model-tensors.js";

/** Names a graph defines before any node runs: its inputs, initializers and sparse initializers. */
export function graphDefinitions(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of graph.input) names.add(v.name);
  for (const t of graph.initializer) names.add(t.name);
  for (const s of graph.sparseInitializer) if (s.values !== undefined) names.add(s.values.name);
  return names;
}

/**
 * Names a graph reads from enclosing scopes: read by its nodes (or their
 * subgraphs) or listed as its outputs, and defined nowhere inside it.
 */
export function capturedNames(graph: GraphProto): Set<string> {
  const defined = graphDefinitions(graph);
  for (const n of graph.node) for (const o of n.output) defined.add(o);
  const captured = new Set<string>();
  const reads = [...graph.node.flatMap(nodeReads), ...graph.output.map((v) => v.name)];
  for (const name of reads) if (name !== "" && !defined.has(name)) captured.add(name);
  return captured;
}

/** Every name a node reads: its inputs, then what its subgraphs capture. */
export function nodeReads(node: NodeProto): string[] {
  const names = [...node.input];
  for (const g of subgraphs(node)) names.push(...capturedNames(g));
  return names;
}
