import { blockLeak } from "./block-leak.js";
import { chainBlocks } from "./chain-blocks.js";
import { refusal, type Refusal } from "../block/refusal.js";
import { activationPairs } from "./across-activation.js";
import { blockName } from "./block-name.js";
import { explainSum } from "./explain-sum.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import { blockChannels, makeMatch, type GraphBlockMatch } from "./make-match.js";
import { parseBranch, parseNodes, type BranchParse } from "./parse-branch.js";
import { preBnBlocks } from "./pre-bn-blocks.js";
import { followingAffines, singleConvBlocks } from "./single-conv-blocks.js";
import { childSumTrees, findSumTrees, type SumTree } from "./sum-tree.js";
import { canStandAsConv, expandMatch, mergedView } from "./virtual-view.js";
import { blockMatch } from "../shared/block-match.js";
import type { ConvertOptions } from "../contract/adapter.js";

export type { GraphBlockMatch } from "./make-match.js";

/** What the caller's writer can do beyond replacing each block's nodes by one conv. */
export interface MatchOptions {
  /**
   * It removes the BatchNorms of a match's `bypass` (its readers then read
   * their input) and fuses a group whole or not at all: BatchNorms before
   * several Linears or through layout ops are matched ({@link preBnBlocks}).
   */
  readonly bypass?: boolean;
  /** Which exact chains of convs become one conv (see `ConvertOptions.chains`; default `cheaper`). */
  readonly chains?: "cheaper" | "all";
  /**
   * The user's `--exclude` patterns and `--only` (see `ConvertOptions`): a
   * block an exclusion targets is not merged into a bigger one (so it is left
   * alone as the user asked, and what is around it still fuses), and with
   * `only` nothing merges (a merged block would be neither a lone conv + BN
   * nor the multi-branch block the user meant).
   */
  readonly exclude?: readonly string[];
  readonly only?: "bn" | "branches";
}

/**
 * {@link chooseRoot} over the parses `use` keeps. Of several roots every leaf
 * reads, the one computed from the others (nearest the sum) wins: a root
 * further up reaches the sum through a conv every branch shares, which the
 * next round merges in where that is exact (the chain through it may not be).
 */
function chooseRootOf(
  view: GraphView,
  parses: readonly BranchParse[][],
  use: (p: BranchParse) => boolean,
): BranchParse[] | undefined {
  let identities: BranchParse[] | undefined;
  let best: BranchParse[] | undefined;
  for (const cand of parses[0] ?? []) {
    if (!use(cand)) continue;
    const picked = parses.map((ps) => ps.find((p) => use(p) && p.root === cand.root));
    if (!picked.every((p) => p !== undefined)) continue;
    if (picked.every((p) => p.kind === "identity")) identities ??= picked;
    else if (best === undefined || reaches(view, cand.root, new Set([best[0]!.root]))) best = picked;
  }
  return best ?? identities;
}

/**
 * Picks the block input: a root every leaf can be read from, preferring one
 * where some branch is more than BN / affine nodes (conv(x) + BN(conv(x))
 * is a block over x, not only identities over the conv's output). Chains of
 * convs are read only when no root is shared without them: a branch that is
 * a conv's BN over x also reads as that conv over the conv's input, and so
 * does a chain through it, which would pull the conv before the block into it.
 */
function chooseRoot(view: GraphView, parses: readonly BranchParse[][]): BranchParse[] | undefined {
  return chooseRootOf(view, parses, (p) => p.kind !== "chain") ?? chooseRootOf(view, parses, () => true);
}

/** True when `t` is computed from one of `targets`, through any ops (a few dozen nodes back at most). */
function reaches(view: GraphView, t: string, targets: ReadonlySet<string>): boolean {
  const seen = new Set<string>();
  const todo = [t];
  while (todo.length > 0 && seen.size < 64) {
    const cur = todo.pop()!;
    if (targets.has(cur)) return true;
    if (seen.has(cur)) continue;
    seen.add(cur);
    todo.push(...(view.producer(cur)?.inputs ?? []));
  }
  return false;
}

/** The sub-trees (recursively) whose leaves do share one input: the ones to try as blocks, with that input. */
function partBlocks(view: GraphView, subs: readonly SumTree[]): { tree: SumTree; root: string }[] {
  const found: { tree: SumTree; root: string }[] = [];
  for (const t of subs) {
    const parses = chooseRoot(
      view,
      t.leaves.map((l) => parseBranch(view, l)),
    );
    if (parses !== undefined && blockChannels(view, parses[0]!.root, parses) !== undefined)
      found.push({ tree: t, root: parses[0]!.root });
    else found.push(...partBlocks(view, childSumTrees(view, t)));
  }
  return found;
}

/**
 * One round of {@link matchBlocks}: Add trees whose leaves are
 * linear branches over one common input (with an optional BN chain after the
 * sum), then, when the writer can remove them (`options.bypass`),
 * BatchNorms before several convs or Linears or through layout ops
 * ({@link preBnBlocks}), then chains of convs exact at their borders that do
 * not cost more as one conv ({@link chainBlocks}), then single convs with BN chains after or before
 * them not inside a block ({@link singleConvBlocks}).
 *
 * Nothing that looks like a block is left silently. An Add tree looks like a
 * block when some tensor X is reached back from at least two of its leaves
 * through linear ops only (conv, BatchNorm, constant affine, zero Pad,
 * average pool) and one of those ways passes a conv. Each such tree is
 * either matched or refused with a reason: `SHARED_INTERMEDIATE` (a tensor
 * inside the block is read outside it or is a model output, or a node
 * belongs to another block), `NON_LINEAR_BRANCH` / `NO_COMMON_INPUT` (a
 * leaf does not reach X through linear ops), `UNSUPPORTED_BRANCH` (every
 * leaf reaches X, one in a form that does not merge into one conv), or the
 * layout's own reasons (`PADS_UNKNOWN`, `CHANNEL_MISMATCH`, ...). Any other
 * sum is not a block and is not reported: a residual x + f(x) with f
 * non-linear (ResNet's skip over conv-ReLU-conv), sums of identities, sums
 * of unrelated inputs. (So a two-branch sum whose other branch passes an op
 * the view does not read as linear, a reflect pad say, is not reported
 * either: it cannot be told from a residual add.)
 *
 * Two 1x1 convs across a leaky ReLU whose slope is not 1 are reported too
 * (`SEQUENTIAL_NONLINEAR`, see across-activation.ts): VanillaNet's deploy
 * would merge them.
 *
 * Nodes shared by several branches (one Pad feeding the kxk convs of a
 * MobileOne block, as onnx-simplifier or a Keras ZeroPadding2D leave it)
 * belong to the block, and go with it, when nothing outside the block reads
 * them.
 */
async function matchRound(
  view: GraphView,
  options: MatchOptions,
): Promise<{ matches: GraphBlockMatch[]; refused: Refusal[] }> {
  const matches: GraphBlockMatch[] = [];
  const refused: Refusal[] = [];
  const owner = new Map<GraphNodeView, string>(); // node -> the block (matched or refused) that holds it
  const hold = (nodes: readonly GraphNodeView[], name: string) => nodes.forEach((n) => owner.set(n, name));
  const inRefused = new Set<GraphNodeView>(); // nodes of sums refused as a whole: no chain of them is taken apart either
  const trees = findSumTrees(view);
  for (let k = 0; k < trees.length; k++) {
    const tree = trees[k]!;
    const leafParses = tree.leaves.map((l) => parseBranch(view, l));
    const parses = chooseRoot(view, leafParses);
    const channels = parses === undefined ? undefined : blockChannels(view, parses[0]!.root, parses);
    if (parses === undefined || channels === undefined) {
      // Not one block as a whole: a sum inside it may be one, and the rest a plain residual (RepGhost's
      // shortcut). When another leaf also reads that sum's input, the whole was meant as one block: say why not.
      const parts = partBlocks(view, childSumTrees(view, tree));
      trees.splice(k + 1, 0, ...parts.map((p) => p.tree));
      const inParts = new Set(parts.flatMap((p) => p.tree.leaves));
      const roots = new Set(parts.map((p) => p.root));
      const related = tree.leaves.some((l) => !inParts.has(l) && reaches(view, l, roots));
      const not = parts.length === 0 || related ? explainSum(view, tree, leafParses) : undefined;
      if (not !== undefined) {
        refused.push(refusal(blockName(tree.nodes.map((n) => n.id)), not.reason, not.message, tree.output));
        for (const n of leafParses.flat().flatMap(parseNodes)) inRefused.add(n);
      }
      continue;
    }
    const { chain: post, output } = followingAffines(view, tree.output);
    // A node shared by branches (one Pad before several kxk convs) is one node of the block.
    const nodes = [...new Set([...parses.flatMap(parseNodes), ...tree.nodes, ...post])];
    const name = blockName(nodes.map((n) => n.id));
    const chain = parses.some((p) => p.kind === "chain") ? "conv-chain" : undefined;
    // A tree read through a chain of convs and refused: the sums inside it may still be blocks of their own
    // (as they are found when no chain is read), and the chain's convs+BNs still fold on their own.
    const refuse = (r: Refusal) => {
      refused.push(r);
      for (const n of nodes) inRefused.add(n);
      if (chain !== undefined)
        trees.splice(k + 1, 0, ...partBlocks(view, childSumTrees(view, tree)).map((p) => p.tree));
      else hold(nodes, name); // its conv+BN pairs would be refused again for the same reason: say it once
    };
    const taken = nodes.find((n) => owner.has(n));
    if (taken !== undefined) {
      refused.push(
        refusal(name, "SHARED_INTERMEDIATE", `node '${taken.id}' also belongs to block '${owner.get(taken)!}'`, output),
      );
      continue;
    }
    const why = blockLeak(view, nodes, post[post.length - 1] ?? tree.nodes[tree.nodes.length - 1]!);
    if (why !== undefined) {
      if (chain === undefined) refused.push(refusal(name, "SHARED_INTERMEDIATE", why, output));
      else refuse(refusal(name, "SHARED_INTERMEDIATE", why, output));
      continue;
    }
    // The scales the tree applies to a leaf (a Sub's -1, a layer scale over a sub-sum) follow its own chain.
    const scaled = parses.map((p, i) =>
      tree.scales[i]!.length === 0 ? p : { ...p, after: [...p.after, ...tree.scales[i]!] },
    );
    const m = await makeMatch(view, name, parses[0]!.root, output, nodes, scaled, post, channels, [], chain);
    if ("reason" in m) refuse(m);
    else {
      hold(nodes, name);
      matches.push(m);
    }
  }
  if (options.bypass === true) {
    const sunk = await preBnBlocks(view, (n) => owner.has(n), hold);
    matches.push(...sunk.matches);
    refused.push(...sunk.refused);
  }
  const chainTaken = (n: GraphNodeView) => owner.has(n) || inRefused.has(n);
  matches.push(...(await chainBlocks(view, chainTaken, hold, options.chains === "all")));
  const single = await singleConvBlocks(view, (n) => owner.has(n), hold);
  matches.push(...single.matches);
  refused.push(...single.refused);
  return { matches, refused };
}

/** Rounds after the first at most: each one merges blocks found before into bigger ones. */
const MAX_ROUNDS = 8;

/**
 * Finds re-parameterizable blocks in a graph, in rounds, until nothing more
 * merges: each round matches blocks as {@link matchRound} describes, then
 * every block found stands as one conv node (its float64 fusion, computed
 * on demand and never rounded) in the view the next round matches. So a sum
 * whose branch is itself a sum of convs, a chain through a fused block, a
 * sum of chains all become one block, each merge proved exact by the same
 * rules as the first (borders, pads, strides), and rounded once at the end.
 * The blocks returned remove the model's own nodes; the refusals are the
 * last round's, made on the most merged view.
 */
export async function matchBlocks(
  view: GraphView,
  options: MatchOptions = {},
): Promise<{ matches: GraphBlockMatch[]; refused: Refusal[] }> {
  const order = new Map(view.nodes.map((n, i) => [n, i]));
  const virtual = new Map<GraphNodeView, GraphBlockMatch>();
  const merges = new Set<GraphBlockMatch>(); // blocks made of blocks: their regions' first-round refusals are stale
  const first = await matchRound(view, options);
  let found = first;
  let cur = view;
  const excluded = (m: GraphBlockMatch) => options.exclude?.some((p) => blockMatch(p, m.candidate)) === true;
  for (let round = 0; round < (options.only === undefined ? MAX_ROUNDS : 0); round++) {
    const merge = found.matches.filter((m) => canStandAsConv(m) && !excluded(m));
    if (merge.length === 0) break;
    const ofBlocks = merge.map((m) => m.nodes.some((n) => virtual.has(n)));
    const next = mergedView(cur, merge, virtual, order);
    next.made.forEach((m, i) => ofBlocks[i] && merges.add(m));
    cur = next.view;
    found = await matchRound(cur, options);
  }
  const standing = cur.nodes.flatMap((n) => {
    const m = virtual.get(n);
    return m === undefined ? [] : [m];
  });
  const last = found.matches.map((m) => {
    const e = expandMatch(m, virtual, order);
    if (e !== m) merges.add(e);
    return e;
  });
  // A refusal is the first round's (it names the model's own nodes) unless a merge fused its region after all.
  const fused = new Set([...merges].flatMap((m) => m.nodes.flatMap((n) => n.outputs)));
  const refused = first.refused.filter((r) => r.id === undefined || !fused.has(r.id));
  return { matches: [...standing, ...last], refused: [...refused, ...activationPairs(view)] };
}

/** The {@link MatchOptions} a conversion's options ask for: chains, exclusions, `only`. */
export function matchOptions(options: ConvertOptions): Pick<MatchOptions, "chains" | "exclude" | "only"> {
  return {
    ...(options.chains !== undefined ? { chains: options.chains } : {}),
    ...(options.exclude !== undefined ? { exclude: options.exclude } : {}),
    ...(options.only !== undefined ? { only: options.only } : {}),
  };
}
