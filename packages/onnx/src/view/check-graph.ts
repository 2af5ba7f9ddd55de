import { ReparamError } from "@reparam/core";
import type { GraphProto, ModelProto } from "onnx-buf";
import { graphDefinitions } from "./_graph-names.js";
import { nodeLabel } from "../codec/_labels.js";
import { duplicateOutput, topologicalOrder } from "./topological-order.js";

/**
 * Checks that a model's graph, and every subgraph, is well formed:
 * - every value is defined once: no two node outputs alike, and no node
 *   output that is also a graph input or initializer (`ONNX_DUPLICATE_OUTPUT`);
 * - every node input is "" (an omitted optional input), a node output, an
 *   initializer or a graph input, of this graph or (in a subgraph) an
 *   enclosing one (`ONNX_UNDEFINED_INPUT`); so is every graph output
 *   (`ONNX_UNDEFINED_OUTPUT`);
 * - the nodes have no cycle (`ONNX_CYCLE`, naming the cycle's nodes).
 * The nodes need not be listed in topological order; see {@link topologicalOrder}.
 */
export function checkGraph(model: ModelProto): void {
  if (model.graph === undefined) {
    throw new ReparamError("ONNX_NO_GRAPH", "model has no graph", { expected: "a graph (ModelProto field 7)" });
  }
  checkScope(model.graph, new Set(), `graph '${model.graph.name}'`);
}

function checkScope(graph: GraphProto, outer: ReadonlySet<string>, where: string): void {
  const own = graphDefinitions(graph);
  const producer = new Map<string, string>();
  graph.node.forEach((node, i) => {
    for (const o of node.output) {
      if (o === "") continue;
      const first = producer.get(o) ?? (own.has(o) ? "a graph input or initializer" : undefined);
      if (first !== undefined) throw duplicateOutput(graph, o, first, nodeLabel(node, i));
      producer.set(o, nodeLabel(node, i));
    }
  });
  const defined = new Set([...outer, ...own, ...producer.keys()]);
  graph.node.forEach((node, i) => {
    node.input.forEach((name, k) => {
      if (name === "" || defined.has(name)) return;
      throw new ReparamError("ONNX_UNDEFINED_INPUT", `input '${name}' is not defined`, {
        where: `${where}, ${nodeLabel(node, i)} input ${k}`,
        expected: "a node output, an initializer or a graph input",
        found: `'${name}'`,
      });
    });
  });
  for (const v of graph.output) {
    if (defined.has(v.name)) continue;
    throw new ReparamError("ONNX_UNDEFINED_OUTPUT", `graph output '${v.name}' is not defined`, {
      where,
      expected: "a node output, an initializer or a graph input",
      found: `'${v.name}'`,
    });
  }
  topologicalOrder(graph);
  graph.node.forEach((node, i) => {
    for (const a of node.attribute) {
      for (const g of a.g === undefined ? a.graphs : [a.g, ...a.graphs]) {
        checkScope(g, defined, `${where}, ${nodeLabel(node, i)} attribute '${a.name}' graph '${g.name}'`);
      }
    }
  });
}
