import { blockLeak } from "./block-leak.js";
import { blockName } from "./block-name.js";
import { parseChannels } from "./branch-layout.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import { makeMatch, type GraphBlockMatch } from "./make-match.js";
import { affineChains, type ChainParse, chainNodes, parseChains } from "./parse-chain.js";
import { followingAffines } from "./single-conv-blocks.js";

type ConvNode = ChainParse["links"][number]["conv"];

/** Multiply-adds per output position of the chain's last conv: each conv's, times the positions it computes per output. */
function chainCost(p: ChainParse): number {
  let cost = 0;
  let positions = 1; // positions of the current conv's output per final output position
  for (let i = p.links.length - 1; i >= 0; i--) {
    const { op } = p.links[i]!.conv;
    const [o, iPer, kh, kw] = op.kernel.shape;
    cost += positions * o! * iPer! * kh! * kw!;
    positions *= op.stride[0] * op.stride[1];
  }
  return cost;
}

/**
 * Chains of convs that no block holds: conv -> [BN / affine / constant Pad] ->
 * conv ... (and BN / affine nodes after), nothing else reading the tensors
 * between, and those led by BN / affine nodes over X and a Pad of a non-zero
 * value (a pre-affine whose zero response that Pad holds: `affineChains`). One is collapsed into one conv (`conv-chain`) when it is exact at
 * its borders (core's `composeChain` proves each frame) and the one conv costs
 * no more multiply-adds per output position than the chain: merging a
 * depthwise 7x7 and a 1x1 into a dense 7x7 would be exact but slower, so
 * those stay (unless `anyCost`: `chains: 'all'`). The longest such chain ending at a conv wins. A chain that is
 * not exact, or would cost more, is left as it is (its convs fold their BNs
 * on their own) and is not reported: the graph never said it was one block.
 */
export async function chainBlocks(
  view: GraphView,
  taken: (n: GraphNodeView) => boolean,
  hold: (nodes: readonly GraphNodeView[], name: string) => void,
  anyCost = false,
): Promise<GraphBlockMatch[]> {
  const matches: GraphBlockMatch[] = [];
  // From the last conv back, so that a chain is found whole from its end.
  for (const node of [...view.nodes].reverse()) {
    if (node.op.kind !== "conv" || taken(node) || node.outputs.length !== 1) continue;
    const { chain: after, output } = followingAffines(view, node.outputs[0]!);
    if (after.some(taken)) continue;
    // Longest first; first those that start with X's BN / affine nodes and a constant Pad holding their zero
    // response (a lone conv over Pad(t)(x * s + t) among them), whose other forms single-conv-blocks.ts folds.
    const framed = affineChains(view, node as ConvNode, after).filter((p) => p.links[0]!.pad !== undefined);
    const parses = [...framed.reverse(), ...parseChains(view, node as ConvNode, after).reverse()];
    for (const p of parses) {
      const nodes = chainNodes(p);
      if (nodes.some(taken) || blockLeak(view, nodes, nodes[nodes.length - 1]!) !== undefined) continue;
      const channels = parseChannels(p);
      if (channels === undefined) continue;
      const name = blockName(nodes.map((n) => n.id));
      const m = await makeMatch(view, name, p.root, output, nodes, [p], [], channels, [], "conv-chain");
      if ("reason" in m || m.candidate.plan?.ok !== true) continue;
      const [o, iPer, kh, kw] = m.candidate.plan.plan.kernelShape;
      if (!anyCost && o * iPer * kh * kw > chainCost(p)) continue;
      matches.push(m);
      hold(nodes, m.candidate.name);
      break;
    }
  }
  return matches;
}
