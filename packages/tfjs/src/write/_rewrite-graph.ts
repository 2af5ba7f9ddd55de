import type { FusedWeightMaker } from "./_fused-weights.js";
import { constNode, fusedConvNode } from "./_graph-fused-nodes.js";
import { denseWeights, fusedMatMulNode, isDenseGraphBlock } from "./_dense-fused.js";
import { parseInput, producerName } from "../view/_graph-index.js";
import { graphModelView } from "../view/_graph-view.js";
import { replaceWeights, type WeightSwap } from "./_replace-weights.js";
import { uniqueNames } from "./_unique-names.js";
import { unknownBlock } from "./_unknown-block.js";
import type { GraphDefJson, NodeDefJson } from "../codec/graph-topology.js";
import type { RewrittenWeight } from "./rewritten-weight.js";
import type { TfjsFusion } from "./tfjs-fusion.js";
import type { TfjsModel } from "../codec/tfjs-model.js";

/**
 * For each output of a bypassed node (`TfjsBlockSite.bypass`), the tensor its
 * readers read now: the input of the first node of its chain that is not
 * bypassed (a BatchNorm after a bypassed one reads that one's input).
 */
function bypassRenames(fusions: readonly TfjsFusion[]): Map<string, string> {
  const step = new Map<string, string>();
  for (const f of fusions) for (const b of f.candidate.site.bypass ?? []) step.set(b.output, b.input);
  const renames = new Map<string, string>();
  for (const t of step.keys()) {
    let to = step.get(t)!;
    for (let i = 0; step.has(to) && i <= step.size; i++) to = step.get(to)!;
    renames.set(t, to);
  }
  return renames;
}

/**
 * Replaces each fused block of a graph model by one fused conv node and two
 * new Const nodes (kernel, bias) where the block's first node was. The conv
 * is named `<block>/reparam_conv`, or takes the block output's name when that
 * is a model output (so the signature stays valid); readers of the block
 * output (data and control edges) read the conv. The block's nodes go, and
 * so do the Const / Identity nodes and weights only they read; so do the
 * BatchNorms its group folds before it (`site.bypass`), their readers
 * reading their inputs.
 */
export function rewriteGraph(
  model: TfjsModel,
  fusions: readonly TfjsFusion[],
  fused: FusedWeightMaker,
): { topology: GraphDefJson; weights: RewrittenWeight[] } {
  const { view, index } = graphModelView(model);
  const fresh = uniqueNames(index.nodes.map((n) => n.name));
  const position = new Map(index.nodes.map((n, i) => [n.name, i] as const));
  const removed = new Set<string>();
  const replaced = new Map<string, string>(); // block output node -> fused conv
  const insertAt = new Map<number, NodeDefJson[]>();
  const maybeDead = new Set<string>();
  const reads: { consts: Set<string>; add: RewrittenWeight[] }[] = [];
  const renames = bypassRenames(fusions);
  for (const fusion of fusions) {
    const { candidate, plan } = fusion;
    const site = candidate.site;
    const nodes = site.nodes.map((id) => index.byName.get(id));
    if (nodes.some((n) => n === undefined) || producerName(site.output) !== site.output)
      throw unknownBlock(candidate, `nodes ${site.nodes.join(", ")}`);
    const name = view.isGraphOutput(site.output) ? site.output : fresh(`${candidate.name}/reparam_conv`);
    const kernel = fresh(`${name}/kernel`);
    const bias = fresh(`${name}/bias`);
    const consts = new Set<string>();
    // The BatchNorms folded before the block (its group's bypass) go too: their constants are the block's.
    const bypassed = (site.bypass ?? []).flatMap((b) => b.nodes.map((id) => index.byName.get(id)));
    if (bypassed.some((n) => n === undefined)) throw unknownBlock(candidate, "its bypassed BatchNorms");
    for (const n of [...nodes, ...bypassed] as NodeDefJson[])
      for (const i of n.input ?? []) for (const c of index.constChain(parseInput(i).tensor)) consts.add(c);
    // A Linear (MatMul read as a 1x1 conv) is written back as a MatMul.
    const dense = isDenseGraphBlock(nodes as NodeDefJson[]);
    const made = fused(
      fusion,
      { kernel, bias },
      model.weights.filter((w) => consts.has(w.name)),
    );
    const add = dense ? denseWeights(made) : made;
    const size = view.spatialSize(site.input) ?? candidate.layout.inputSize;
    const names = { node: name, input: site.input, kernel, bias };
    const node = dense
      ? fusedMatMulNode(names, nodes as NodeDefJson[])
      : fusedConvNode(plan, candidate.layout.inChannels, size, names, nodes as NodeDefJson[]);
    insertAt.set(Math.min(...site.nodes.map((id) => position.get(id)!)), [
      constNode(kernel, add[0]!.shape),
      constNode(bias, add[1]!.shape),
      node,
    ]);
    for (const n of [...nodes, ...bypassed] as NodeDefJson[]) removed.add(n.name);
    for (const c of consts) maybeDead.add(c);
    replaced.set(site.output, name);
    reads.push({ consts, add });
  }
  const rewire = (input: string): string => {
    const { tensor, control } = parseInput(input);
    // A bypassed BatchNorm's reader reads its input (then maybe a fused conv's output).
    const read = renames.get(tensor) ?? tensor;
    const to = replaced.get(read) ?? (read === tensor ? undefined : read);
    return to === undefined ? input : control ? `^${producerName(to)}` : to;
  };
  // New nodes are rewired too: a block may read the output of the block before it.
  const rewired = (n: NodeDefJson): NodeDefJson => (n.input === undefined ? n : { ...n, input: n.input.map(rewire) });
  let nodes: NodeDefJson[] = [];
  index.nodes.forEach((n, i) => {
    nodes.push(...(insertAt.get(i) ?? []).map(rewired));
    if (!removed.has(n.name)) nodes.push(rewired(n));
  });
  // Drop the constants only the removed nodes read (through Identity chains).
  const dead = new Set<string>();
  for (;;) {
    const read = new Set(nodes.flatMap((n) => (n.input ?? []).map((i) => producerName(parseInput(i).tensor))));
    const now = nodes.filter((n) => maybeDead.has(n.name) && !read.has(n.name) && !view.isGraphOutput(n.name));
    if (now.length === 0) break;
    for (const n of now) dead.add(n.name);
    nodes = nodes.filter((n) => !dead.has(n.name));
  }
  // Each block's new weights take the place of the first dead weight it read.
  const claimed = new Set<string>();
  const swaps: WeightSwap[] = reads.map(({ consts, add }) => {
    const drop = new Set([...consts].filter((c) => dead.has(c) && !claimed.has(c)));
    for (const c of drop) claimed.add(c);
    return { drop, add };
  });
  const topology = { ...(model.json.modelTopology as GraphDefJson), node: nodes };
  return { topology, weights: replaceWeights(model.weights, swaps) };
}
