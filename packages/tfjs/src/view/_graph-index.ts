import type { GraphDefJson, NodeDefJson } from "../codec/graph-topology.js";
import type { TfjsWeight } from "../codec/tfjs-weight.js";

/** A node input split into the tensor it names (`node` for output 0, else `node:k`) and whether it is a control edge. */
export function parseInput(input: string): { readonly tensor: string; readonly control: boolean } {
  const control = input.startsWith("^");
  const raw = control ? input.slice(1) : input;
  return { tensor: raw.endsWith(":0") ? raw.slice(0, -2) : raw, control };
}

/** The node that produces a tensor (`node:k` -> `node`: a colon and one or more digits at the end). */
export function producerName(tensor: string): string {
  const colon = tensor.lastIndexOf(":");
  if (colon < 0 || colon === tensor.length - 1) return tensor;
  for (let i = colon + 1; i < tensor.length; i++) {
    const c = tensor.charCodeAt(i);
    if (c < 48 || c > 57) return tensor;
  }
  return tensor.slice(0, colon);
}

/** Lookups over a GraphDef's nodes and the weights behind its constants. */
export interface GraphIndex {
  readonly nodes: readonly NodeDefJson[];
  readonly byName: ReadonlyMap<string, NodeDefJson>;
  /** True when a tensor is a constant: a `Const`, or an `Identity` chain ending at one. */
  isConstant(tensor: string): boolean;
  /** The manifest weight behind a constant tensor, if its value is there (TF.js keeps Const values in the manifest). */
  constWeight(tensor: string): TfjsWeight | undefined;
  /** The Const / Identity nodes a constant tensor reads through, the tensor's own node first. */
  constChain(tensor: string): string[];
}

/** Indexes a GraphDef: nodes by name, constants (through Identity) and their weights by node name. */
export function graphIndex(graph: GraphDefJson, weights: readonly TfjsWeight[]): GraphIndex {
  const nodes = graph.node ?? [];
  const byName = new Map(nodes.map((n) => [n.name, n] as const));
  const weightByName = new Map(weights.map((w) => [w.name, w] as const));
  // Asked for every input of every node, several times per view: computed once per tensor.
  const chains = new Map<string, string[] | undefined>();
  const chainOf = (tensor: string): string[] | undefined => {
    if (chains.has(tensor)) return chains.get(tensor);
    const chain = walkChain(tensor);
    chains.set(tensor, chain);
    return chain;
  };
  const walkChain = (tensor: string): string[] | undefined => {
    const chain: string[] = [];
    let t = tensor;
    for (let guard = 0; guard <= nodes.length; guard++) {
      if (producerName(t) !== t) return undefined; // a Const has one output
      const n = byName.get(t);
      if (n === undefined) return undefined;
      chain.push(n.name);
      if (n.op === "Const") return chain;
      const data = (n.input ?? []).filter((i) => !i.startsWith("^"));
      if (n.op !== "Identity" || data.length !== 1) return undefined;
      t = parseInput(data[0]!).tensor;
    }
    return undefined;
  };
  return {
    nodes,
    byName,
    isConstant: (t) => chainOf(t) !== undefined,
    constWeight: (t) => {
      const chain = chainOf(t);
      return chain === undefined ? undefined : weightByName.get(chain[chain.length - 1]!);
    },
    constChain: (t) => [...(chainOf(t) ?? [])],
  };
}
