import { refusal, type Refusal } from "../block/refusal.js";
import { blockName } from "./block-name.js";
import type { GraphNodeView, GraphView, NeutralOp } from "./graph-view.js";
import { makeMatch, type GraphBlockMatch } from "./make-match.js";
import { type AffineNode, isAffine } from "./affine-nodes.js";
import type { BranchParse } from "./parse-branch.js";
import { preBnRegion, type BatchNormNode, type PreBnLeaf } from "./pre-bn-region.js";
import { followingAffines } from "./single-conv-blocks.js";

type ConvNode = Extract<BranchParse, { kind: "conv" }>["conv"];

/**
 * True when `bn` is another matcher's: the BN after a conv whose output
 * only it reads, through BN / affine nodes (a conv + BN fold), or a BN
 * whose one consumer is a conv, through BN / affine nodes with one
 * consumer each (a BN before one conv: `singleConvBlocks`' pre-BN).
 */
function elsewhere(view: GraphView, bn: GraphNodeView): boolean {
  let cur: GraphNodeView | undefined = bn;
  while (isAffine(cur)) {
    const input = cur.inputs[0]!;
    if (view.consumers(input).length !== 1 || view.isGraphOutput(input)) break;
    cur = view.producer(input);
    if (cur?.op.kind === "conv") return true;
  }
  let t = bn.outputs[0]!;
  for (;;) {
    const cs = view.consumers(t);
    if (cs.length !== 1 || view.isGraphOutput(t)) return false;
    if (cs[0]!.op.kind === "conv") return true;
    if (!isAffine(cs[0])) return false;
    t = cs[0].outputs[0]!;
  }
}

/** The leaf as a conv: a Linear on tokens reads as the 1x1 conv of its weights (the writer knows it from the view). */
function asConv(leaf: PreBnLeaf): ConvNode {
  const { node } = leaf;
  if (node.op.kind === "conv") return node as ConvNode;
  const l = node.op.layout;
  if (l.op !== "matmul") throw new TypeError(`'${node.id}' is no linear leaf`); // preBnRegion's leaves are convs or matmuls
  const op: NeutralOp = {
    kind: "conv",
    kernel: l.kernel,
    stride: [1, 1],
    padding: { kind: "explicit", pads: [0, 0, 0, 0] },
    dilation: [1, 1],
    groups: 1,
    linear: true,
  };
  return { ...node, op } as ConvNode;
}

/**
 * What follows the leaf and folds into it: BN / affine nodes after a conv
 * (over its output channels, axis 1), the bias Add of a Linear on tokens
 * (over the last axis, its output channels), as a shift.
 */
function after(view: GraphView, leaf: PreBnLeaf, taken: (n: GraphNodeView) => boolean): AffineNode[] {
  const out = leaf.node.outputs[0]!;
  if (leaf.node.op.kind === "conv") {
    const { chain } = followingAffines(view, out);
    return chain.some(taken) ? [] : chain;
  }
  const cs = view.consumers(out);
  const c = cs[0];
  if (cs.length !== 1 || view.isGraphOutput(out) || c === undefined || taken(c)) return [];
  if (c.op.kind !== "layout" || c.op.layout.op !== "bias" || c.inputs.length !== 1) return [];
  const shift: NeutralOp = { kind: "affine", shift: c.op.layout.shift };
  return [{ ...c, op: shift } as AffineNode];
}

/**
 * BatchNorms before linear layers that no other matcher folds: a BN whose
 * output reaches several convs or Linear layers, or reaches them through
 * ops that keep its channels (Next-ViT's `norm1` before the q / k / v
 * Linears on tokens, through Reshape and Transpose, and through an average
 * pool and a second BatchNorm to k and v). Each consumer is a block of its
 * own (`bn-conv`) whose pre-BN is the composed chain of BatchNorms on its
 * way (float64, rounded once with the weights); all of them are one group
 * (`Candidate.group`: they fuse together or not at all) and list the
 * BatchNorms as `bypass`: the writer removes those and has their readers
 * read their inputs. A region that does not fold whole (a consumer that
 * does not absorb it, a layout not shown to keep the channels, padding) is
 * refused with the reason when it reached a linear consumer through a
 * layout op or reached two; a BN before one conv is `singleConvBlocks`'.
 */
export async function preBnBlocks(
  view: GraphView,
  taken: (n: GraphNodeView) => boolean,
  hold: (nodes: readonly GraphNodeView[], name: string) => void,
): Promise<{ matches: GraphBlockMatch[]; refused: Refusal[] }> {
  const matches: GraphBlockMatch[] = [];
  const refused: Refusal[] = [];
  for (const node of view.nodes) {
    if (node.op.kind !== "batchnorm" || taken(node) || node.inputs.length !== 1 || elsewhere(view, node)) continue;
    const head = node as BatchNormNode;
    const region = preBnRegion(view, head, taken);
    if ("reason" in region) {
      if (region.leaves > 1 || (region.leaves > 0 && region.layouts > 0))
        refused.push(refusal(head.id, region.reason, region.message, head.outputs[0]!));
      continue;
    }
    if (region.leaves.length < 2 && region.layouts.length === 0) continue;
    const group: GraphBlockMatch[] = [];
    let why: Refusal | undefined;
    for (const leaf of region.leaves) {
      const conv = asConv(leaf);
      const post = after(view, leaf, taken);
      const nodes = [conv, ...post];
      const name = blockName([leaf.node, ...post].map((n) => n.id));
      const output = post.length > 0 ? post[post.length - 1]!.outputs[0]! : conv.outputs[0]!;
      const parse: BranchParse = { kind: "conv", root: conv.inputs[0]!, conv, after: post };
      const channels = conv.op.kernel.shape[1]! * conv.op.groups;
      const m = await makeMatch(
        view,
        name,
        conv.inputs[0]!,
        output,
        nodes,
        [parse],
        [],
        channels,
        leaf.chain,
        "bn-conv",
      );
      if ("reason" in m) {
        why = m;
        break;
      }
      group.push(m);
    }
    if (why !== undefined) {
      refused.push(
        refusal(head.id, why.reason, `a consumer of the BatchNorm cannot absorb it: ${why.message}`, head.outputs[0]!),
      );
      continue;
    }
    const bypass = region.affines;
    for (const m of group) {
      matches.push({ ...m, candidate: { ...m.candidate, group: head.outputs[0]! }, bypass });
      // The view's own nodes (a Linear on tokens and its bias Add are read as a conv and an affine here).
      hold([...m.nodes.map((n) => view.producer(n.outputs[0]!)!), ...bypass], m.candidate.name);
    }
  }
  return { matches, refused };
}
