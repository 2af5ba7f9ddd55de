import type { RefusalReason } from "../block/refusal.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import type { BranchParse } from "./parse-branch.js";
import type { SumTree } from "./sum-tree.js";

/** Why a sum that looks like a block was not matched as one. */
export interface SumRefusal {
  readonly reason: RefusalReason;
  readonly message: string;
}

/** The ops a branch may pass on its way back to the block input: one data input, linear in it. */
const LINEAR: ReadonlySet<string> = new Set(["conv", "batchnorm", "affine", "pad", "avgpool"]);
const isLinear = (n: GraphNodeView | undefined): n is GraphNodeView =>
  n !== undefined && LINEAR.has(n.op.kind) && n.inputs.length === 1;

/** A leaf followed back through linear ops: the tensors met (leaf first), the nodes between them, where it stopped. */
interface Walk {
  readonly leaf: string;
  readonly tensors: readonly string[];
  /** nodes[i] makes tensors[i] from tensors[i + 1]. */
  readonly nodes: readonly GraphNodeView[];
  /** Index of the first tensor reached through a conv (tensors.length when none). */
  readonly convFrom: number;
  /** The producer of the last tensor (not linear), if any. */
  readonly stop: GraphNodeView | undefined;
}

function walk(view: GraphView, leaf: string): Walk {
  const tensors = [leaf];
  const nodes: GraphNodeView[] = [];
  let convFrom = Number.POSITIVE_INFINITY;
  const seen = new Set(tensors);
  for (
    let p = view.producer(leaf);
    isLinear(p) && !seen.has(p.inputs[0]!);
    p = view.producer(tensors[tensors.length - 1]!)
  ) {
    nodes.push(p);
    tensors.push(p.inputs[0]!);
    seen.add(p.inputs[0]!);
    if (p.op.kind === "conv") convFrom = Math.min(convFrom, tensors.length - 1);
  }
  return {
    leaf,
    tensors,
    nodes,
    convFrom: Math.min(convFrom, tensors.length),
    stop: view.producer(tensors[tensors.length - 1]!),
  };
}

/** The tensor most leaves reach, of those that at least two reach with a conv on one of the ways (nearest first on ties). */
function commonInput(walks: readonly Walk[]): { tensor: string; count: number } | undefined {
  const count = new Map<string, number>();
  const viaConv = new Set<string>();
  for (const w of walks) {
    w.tensors.forEach((t, i) => {
      count.set(t, (count.get(t) ?? 0) + 1);
      if (i >= w.convFrom) viaConv.add(t);
    });
  }
  let best: { tensor: string; count: number } | undefined;
  for (const w of walks) {
    for (const t of w.tensors) {
      const n = count.get(t)!;
      if (n >= 2 && viaConv.has(t) && (best === undefined || n > best.count)) best = { tensor: t, count: n };
    }
  }
  return best;
}

const FORMS =
  "[BN] conv or avg-pool over [Pad] X, 1x1 conv -> [BN] [Pad] [BN] kxk conv or avg-pool, a chain of convs with BN / constant affine / Pad nodes between, or BN / constant affine nodes over X";

/**
 * Says why an Add tree that looks like a block is not one, or returns
 * undefined when it does not look like one. It looks like a block when some
 * tensor X is reached back from at least two of its leaves through linear
 * ops only (conv, BatchNorm, constant affine, zero Pad, average pool) and
 * one of those ways passes a conv. Then:
 * - a leaf that does not reach X stops at a node that is not such an op
 *   (`NON_LINEAR_BRANCH`) or at a graph input or a sum of its own
 *   (`NO_COMMON_INPUT`);
 * - when every leaf reaches X, some leaf does so in a form that does not
 *   merge into one conv (`UNSUPPORTED_BRANCH`, e.g. kxk conv -> kxk conv, or
 *   a BN before a conv).
 * A residual x + f(x) with f non-linear does not look like a block: only
 * one leaf reaches x.
 *
 * @param parses - each leaf's parses (see `parseBranch`), in leaf order.
 */
export function explainSum(
  view: GraphView,
  tree: SumTree,
  parses: readonly (readonly BranchParse[])[],
): SumRefusal | undefined {
  const walks = tree.leaves.map((l) => walk(view, l));
  const x = commonInput(walks);
  if (x === undefined) return undefined;
  const apart = walks.find((w) => !w.tensors.includes(x.tensor));
  if (apart !== undefined) {
    const start = apart.tensors[apart.tensors.length - 1]!;
    const stop = apart.stop;
    if (stop !== undefined && (stop.op.kind === "other" || stop.op.kind === "layout")) {
      return {
        reason: "NON_LINEAR_BRANCH",
        message: `branch '${apart.leaf}' of the sum is not linear in '${x.tensor}', the input of the other branches: it goes through '${stop.id}', which is not a conv, BatchNorm, constant affine, zero pad or average pool`,
      };
    }
    const from =
      stop === undefined
        ? ""
        : stop.op.kind === "add"
          ? ` (made by '${stop.id}', a sum that is not part of this one)`
          : ` (made by '${stop.id}')`;
    return {
      reason: "NO_COMMON_INPUT",
      message: `branch '${apart.leaf}' of the sum does not read '${x.tensor}', the input of the other branches: it starts from '${start}'${from}`,
    };
  }
  const odd = walks.find((_w, i) => !parses[i]!.some((p) => p.root === x.tensor));
  if (odd === undefined)
    return {
      reason: "UNSUPPORTED_BRANCH",
      message: `the branches over '${x.tensor}' do not merge into one conv (branch forms that do: ${FORMS})`,
    };
  const path = odd.nodes
    .slice(0, odd.tensors.indexOf(x.tensor))
    .map((n) => `'${n.id}'`)
    .join(" <- ");
  return {
    reason: "UNSUPPORTED_BRANCH",
    message: `branch '${odd.leaf}' reads '${x.tensor}' through ${path}, which does not merge into one conv with the other branches (branch forms that do: ${FORMS})`,
  };
}
