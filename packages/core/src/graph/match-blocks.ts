import type { Candidate } from "../adapter.js";
import type { Block, Branch } from "../block.js";
import type { KernelShape } from "../kernel.js";
import { branchOutChannels, planBlock } from "../plan-block.js";
import { isReparamError } from "../reparam-error.js";
import { refusal, type Refusal } from "../refusal.js";
import { blockName } from "./block-name.js";
import { branchLayout, parseChannels, type BranchLayout } from "./branch-layout.js";
import { classifyFamily } from "./classify-family.js";
import { composeAffine } from "./compose-affine.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import { parseBranch, parseNodes, type AffineNode, type BranchParse } from "./parse-branch.js";
import { findSumTrees } from "./sum-tree.js";

/** A block found in a graph: what to fuse, what to remove, where the fused conv goes. */
export interface GraphBlockMatch {
  readonly candidate: Candidate;
  /** The block's input X: the fused conv reads it. */
  readonly input: string;
  /** The tensor the block produces (sum, or post-BN): the fused conv takes this name. */
  readonly output: string;
  /** Every node the fused conv replaces. */
  readonly nodes: readonly GraphNodeView[];
}

const isAffine = (n: GraphNodeView | undefined): n is AffineNode => n !== undefined && (n.op.kind === "batchnorm" || n.op.kind === "affine") && n.inputs.length === 1;

/** BN / affine nodes that alone consume `t` (and what they finally produce). */
function followingAffines(view: GraphView, t: string): { chain: AffineNode[]; output: string } {
  const chain: AffineNode[] = [];
  let out = t;
  for (;;) {
    const cs = view.consumers(out);
    const next = cs[0];
    if (cs.length !== 1 || !isAffine(next) || view.isGraphOutput(out)) return { chain, output: out };
    chain.push(next);
    out = next.outputs[0]!;
  }
}

/** Every tensor made inside the block must feed only the block (and not be a model output). */
function leak(view: GraphView, nodes: readonly GraphNodeView[], last: GraphNodeView): string | undefined {
  const inside = new Set(nodes);
  for (const n of nodes) {
    if (n === last) continue;
    for (const t of n.outputs) {
      if (view.isGraphOutput(t)) return `tensor '${t}' inside the block is a model output`;
      const outside = view.consumers(t).find((c) => !inside.has(c));
      if (outside !== undefined) return `tensor '${t}' inside the block is also used by '${outside.id}'`;
    }
  }
  return undefined;
}

/** Picks the block input: a root every leaf can be read from. */
function chooseRoot(parses: readonly BranchParse[][]): BranchParse[] | undefined {
  for (const cand of parses[0] ?? []) {
    const picked = parses.map((ps) => ps.find((p) => p.root === cand.root));
    if (picked.every((p) => p !== undefined)) return picked as BranchParse[];
  }
  return undefined;
}

async function makeMatch(view: GraphView, name: string, input: string, output: string, nodes: GraphNodeView[], parses: readonly BranchParse[], post: readonly AffineNode[]) {
  const channels = parses.map(parseChannels).find((c) => c !== undefined);
  if (channels === undefined) return undefined; // e.g. a bare x + x: nothing to fuse
  // x + BN(x) with no conv is a block only on an image tensor (rank 4): a known spatial size says so.
  if (parses.every((p) => p.kind === "identity") && view.spatialSize(input) === undefined) return undefined;
  const layouts: BranchLayout[] = [];
  let postBn: Awaited<ReturnType<typeof composeAffine>>;
  try {
    for (const p of parses) {
      const l = await branchLayout(view, p, channels);
      if ("reason" in l) return refusal(name, l.reason, l.message);
      layouts.push(l);
    }
    // The post-sum chain scales the sum: the branches' output channels, which differ from X's when a block widens.
    postBn = await composeAffine(post, branchOutChannels(layouts[0]!.branch, channels));
  } catch (e) {
    if (isReparamError(e) && e.code === "CORE_AFFINE_CHANNELS") return refusal(name, "CHANNEL_MISMATCH", e.message);
    throw e;
  }
  const size = view.spatialSize(input);
  const general: Block<KernelShape> = { name, inChannels: channels, branches: layouts.map((l) => l.branch), ...(postBn ? { postBn } : {}) };
  // Tie the block to its input size only when the branches line up at that size alone
  // (SAME at stride 2): otherwise the fused pads stay the ones that hold for every size.
  const layout: Block<KernelShape> = size === undefined || planBlock(general).ok ? general : { ...general, inputSize: size };
  const load = async (): Promise<Block> => {
    const branches = await Promise.all(
      layouts.map(async ({ branch, kernels }): Promise<Branch> => {
        const data = await Promise.all(kernels.map((k) => k.values()));
        if (branch.kind === "conv") return { ...branch, kernel: { data: data[0]!, shape: branch.kernel.shape } };
        if (branch.kind === "sequential") {
          return { ...branch, first: { ...branch.first, kernel: { data: data[0]!, shape: branch.first.kernel.shape } }, second: { ...branch.second, kernel: { data: data[1]!, shape: branch.second.kernel.shape } } };
        }
        return branch;
      }),
    );
    return { ...layout, branches };
  };
  // Kernels stored in TF's layout can also be handed over as stored, for blocks of conv branches alone (and identities).
  const hwio = layouts.every((l) => (l.branch.kind === "conv" && l.kernels.every((k) => k.hwioValues !== undefined)) || l.branch.kind === "identity");
  const loadHwio = async (): Promise<Block> => {
    const branches = await Promise.all(
      layouts.map(async ({ branch, kernels }): Promise<Branch> => (branch.kind === "conv" ? { ...branch, kernel: { data: await kernels[0]!.hwioValues!(), shape: branch.kernel.shape } } : (branch as Branch))),
    );
    return { ...layout, branches };
  };
  const candidate: Candidate = { name, family: classifyFamily(layout), layout, load, ...(hwio ? { loadHwio } : {}) };
  return { candidate, input, output, nodes };
}

/**
 * Finds re-parameterizable blocks in a graph: Add trees whose leaves are
 * linear branches over one common input (with an optional BN chain after the
 * sum), then single conv -> BN chains not inside a block. Blocks whose inner
 * tensors are used elsewhere or whose pads depend on an unknown size are
 * refused; add trees that are not blocks (residual adds of non-linear paths)
 * are ignored.
 */
export async function matchBlocks(view: GraphView): Promise<{ matches: GraphBlockMatch[]; refused: Refusal[] }> {
  const matches: GraphBlockMatch[] = [];
  const refused: Refusal[] = [];
  const used = new Set<GraphNodeView>();
  for (const tree of findSumTrees(view)) {
    const parses = chooseRoot(tree.leaves.map((l) => parseBranch(view, l)));
    if (parses === undefined) continue;
    const { chain: post, output } = followingAffines(view, tree.output);
    const nodes = [...parses.flatMap(parseNodes), ...tree.nodes, ...post];
    if (new Set(nodes).size !== nodes.length || nodes.some((n) => used.has(n))) continue;
    const name = blockName(nodes.map((n) => n.id));
    const why = leak(view, nodes, post[post.length - 1] ?? tree.nodes[tree.nodes.length - 1]!);
    if (why !== undefined) {
      refused.push(refusal(name, "SHARED_INTERMEDIATE", why));
      continue;
    }
    const m = await makeMatch(view, name, parses[0]!.root, output, nodes, parses, post);
    if (m === undefined) continue;
    if ("reason" in m) {
      refused.push(m);
      // Its conv+BN pairs would be refused again for the same reason: say it once.
      for (const n of nodes) used.add(n);
      continue;
    }
    matches.push(m);
    for (const n of nodes) used.add(n);
  }
  for (const conv of view.nodes) {
    if (conv.op.kind !== "conv" || used.has(conv) || conv.outputs.length !== 1 || conv.inputs.length !== 1) continue;
    const { chain, output } = followingAffines(view, conv.outputs[0]!);
    if (chain.length === 0 || chain.some((n) => used.has(n))) continue;
    const parse: BranchParse = { kind: "conv", root: conv.inputs[0]!, conv: conv as Extract<BranchParse, { kind: "conv" }>["conv"], after: chain };
    const nodes = [conv, ...chain];
    const m = await makeMatch(view, blockName(nodes.map((n) => n.id)), conv.inputs[0]!, output, nodes, [parse], []);
    if (m === undefined) continue;
    if ("reason" in m) refused.push(m);
    else {
      matches.push(m);
      for (const n of nodes) used.add(n);
    }
  }
  return { matches, refused };
}
