import type { GraphProto, NodeProto } from "onnx-buf";
import type { OnnxConstant } from "../view/_constant-table.js";
import { nodeReads } from "../view/_graph-names.js";

/** What removing some nodes leaves unused. */
export interface DeadValues {
  /** Initializers no longer read by anything. */
  readonly initializers: ReadonlySet<string>;
  /** Those of them that are also graph inputs (`keep_initializers_as_inputs`): they leave the inputs too. */
  readonly inputs: ReadonlySet<string>;
  /** Constant / Identity / Cast nodes whose constant output is no longer read. */
  readonly nodes: ReadonlySet<NodeProto>;
}

/**
 * Finds the constants that removing `removed` leaves unused: initializers
 * and constant-making nodes read only by removed nodes (transitively:
 * a Cast of a Constant goes, then the Constant). `extraReads` are names the
 * replacement nodes read. A value still read by any other node, by a
 * subgraph, or listed as a graph output stays: shared weights are never lost.
 * A graph input counts as dead only when it is an initializer that
 * `constants` holds (the caller treated it as a weight); a plain graph
 * input is never touched.
 */
export function deadValues(
  graph: GraphProto,
  removed: ReadonlySet<NodeProto>,
  constants: ReadonlyMap<string, OnnxConstant>,
  extraReads: readonly string[],
): DeadValues {
  const reads = new Map<string, number>();
  const count = (n: string, by: number) => reads.set(n, (reads.get(n) ?? 0) + by);
  const producer = new Map<string, NodeProto>();
  for (const node of graph.node) {
    if (removed.has(node)) continue;
    for (const n of nodeReads(node)) count(n, 1);
    for (const o of node.output) producer.set(o, node);
  }
  for (const v of graph.output) count(v.name, 1);
  for (const n of extraReads) count(n, 1);
  const inputs = new Set(graph.input.map((v) => v.name));
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const deadInits = new Set<string>();
  const deadInputs = new Set<string>();
  const deadNodes = new Set<NodeProto>();
  const pending = [...removed].flatMap((n) => nodeReads(n));
  while (pending.length > 0) {
    const name = pending.pop()!;
    if ((reads.get(name) ?? 0) > 0 || name === "") continue;
    if (initializers.has(name) && (!inputs.has(name) || constants.has(name))) deadInits.add(name);
    if (initializers.has(name) && inputs.has(name) && constants.has(name)) deadInputs.add(name);
    const p = producer.get(name);
    const isConstantMaker = p !== undefined && constants.get(name)?.nodes.includes(p) === true;
    if (!isConstantMaker || deadNodes.has(p) || p.output.some((o) => (reads.get(o) ?? 0) > 0)) continue;
    deadNodes.add(p);
    for (const n of nodeReads(p)) {
      count(n, -1);
      pending.push(n);
    }
  }
  return { initializers: deadInits, inputs: deadInputs, nodes: deadNodes };
}
