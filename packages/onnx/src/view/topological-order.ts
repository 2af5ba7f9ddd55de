import { ReparamError } from "@reparam/core";
import type { GraphProto, NodeProto } from "onnx-buf";
import { nodeReads } from "./_graph-names.js";
import { nodeLabel } from "../codec/_labels.js";

/**
 * The graph's nodes in an order where every node comes after the nodes
 * producing what it reads (its inputs and the outer values its subgraphs
 * use). Stable: an already sorted graph keeps its order, and otherwise nodes
 * move only as far as their inputs require. Names produced by no node
 * (graph inputs, initializers, undefined names) impose nothing; see
 * {@link checkGraph}.
 *
 * Throws `ONNX_CYCLE` naming the nodes of one cycle in data-flow order, and
 * `ONNX_DUPLICATE_OUTPUT` when two nodes produce the same name.
 */
export function topologicalOrder(graph: GraphProto): NodeProto[] {
  const nodes = graph.node;
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => {
    for (const o of node.output) {
      if (o === "") continue;
      const first = producer.get(o);
      if (first !== undefined) throw duplicateOutput(graph, o, nodeLabel(nodes[first]!, first), nodeLabel(node, i));
      producer.set(o, i);
    }
  });
  const deps = nodes.map((node) => [...new Set(nodeReads(node).flatMap((n) => producer.get(n) ?? []))]);
  const state = new Uint8Array(nodes.length); // 0 unseen, 1 on the DFS path, 2 emitted
  const order: NodeProto[] = [];
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] !== 0) continue;
    // Iterative post-order DFS: each frame is [node, index of its next dependency].
    const path: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (path.length > 0) {
      const frame = path[path.length - 1]!;
      const [i, k] = frame;
      const d = deps[i]!;
      if (k === d.length) {
        state[i] = 2;
        order.push(nodes[i]!);
        path.pop();
        continue;
      }
      frame[1]++;
      const j = d[k]!;
      if (state[j] === 0) {
        state[j] = 1;
        path.push([j, 0]);
      } else if (state[j] === 1) {
        const from = path.findIndex(([n]) => n === j);
        throw cycle(
          graph,
          path
            .slice(from)
            .map(([n]) => n)
            .reverse(),
        );
      }
    }
  }
  return order;
}

/** `ONNX_DUPLICATE_OUTPUT` for a name defined twice. */
export function duplicateOutput(graph: GraphProto, name: string, first: string, second: string): ReparamError {
  return new ReparamError("ONNX_DUPLICATE_OUTPUT", `value '${name}' is defined twice`, {
    where: `graph '${graph.name}'`,
    expected: "every value defined once (SSA)",
    found: `'${name}' from ${first} and from ${second}`,
  });
}

function cycle(graph: GraphProto, indices: number[]): ReparamError {
  const first = indices.indexOf(indices.reduce((a, b) => Math.min(a, b))); // start at the node listed first
  const labels = [...indices.slice(first), ...indices.slice(0, first)].map((i) => nodeLabel(graph.node[i]!, i));
  return new ReparamError("ONNX_CYCLE", "graph has a cycle", {
    where: `graph '${graph.name}'`,
    expected: "an acyclic graph",
    found: `${[...labels, labels[0]!].join(" -> ")}`,
  });
}
