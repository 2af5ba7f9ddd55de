import { refusal, type Refusal } from "../block/refusal.js";
import { blockName } from "./block-name.js";
import { parseChannels } from "./branch-layout.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import { makeMatch, type GraphBlockMatch } from "./make-match.js";
import { type AffineNode, isAffine } from "./affine-nodes.js";
import type { BranchParse } from "./parse-branch.js";

type ConvNode = Extract<BranchParse, { kind: "conv" }>["conv"];

/** BN / affine nodes that alone consume `t` (and what they finally produce). */
export function followingAffines(view: GraphView, t: string): { chain: AffineNode[]; output: string } {
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

/** BN / affine nodes before `t` whose outputs feed nothing else (application order), and the tensor they read. */
function precedingAffines(view: GraphView, t: string, taken: (n: GraphNodeView) => boolean): AffineNode[] {
  const chain: AffineNode[] = [];
  let cur = t;
  for (let p = view.producer(cur); isAffine(p) && !taken(p); p = view.producer(cur)) {
    if (view.consumers(cur).length !== 1 || view.isGraphOutput(cur)) break;
    chain.unshift(p);
    cur = p.inputs[0]!;
  }
  return chain;
}

const isScale = (n: AffineNode) => n.op.kind === "affine" && n.op.shift === undefined;

/**
 * Constant scales, then a zero Pad that only `conv` reads (Mul -> Pad -> Conv): the scales commute with the
 * Pad and fold into the conv, whose input is then the Pad's. Undefined when `conv` is not read so.
 */
function scalesBeforePad(
  view: GraphView,
  conv: ConvNode,
  taken: (n: GraphNodeView) => boolean,
): { scales: AffineNode[]; pad: GraphNodeView & { op: { kind: "pad" } } } | undefined {
  const pad = view.producer(conv.inputs[0]!);
  if (pad?.op.kind !== "pad" || pad.inputs.length !== 1 || taken(pad)) return undefined;
  if (((pad.op as { value?: number }).value ?? 0) !== 0) return undefined;
  if (view.consumers(conv.inputs[0]!).length !== 1 || view.isGraphOutput(conv.inputs[0]!)) return undefined;
  const scales = precedingAffines(view, pad.inputs[0]!, taken);
  return scales.length > 0 && scales.every(isScale)
    ? { scales, pad: pad as typeof pad & { op: { kind: "pad" } } }
    : undefined;
}

/** True when the conv reads no padding, so a BN before it folds exactly (see `Block.preBn`). */
function unpadded(op: ConvNode["op"]): boolean {
  const p = op.padding;
  if (p.kind === "valid") return true;
  if (p.kind === "explicit") return p.pads.every((v) => v === 0);
  return op.kernel.shape[2] === 1 && op.kernel.shape[3] === 1 && op.stride[0] === 1 && op.stride[1] === 1;
}

/**
 * Single convs (and Linear layers read as 1x1 convs) with BN / constant affine
 * nodes after them, before them, or both, that no block holds: each is a
 * one-branch block (`conv-bn`; `conv-affine` when the chain after holds no
 * BatchNorm, only constant scale / shift nodes such as a bias `Add`; a chain
 * before is the block's pre-BN, `bn-conv`; constant scales alone fold before a conv that pads too, the
 * zero border staying zero). A Linear without a bias and
 * one constant Add after it, nothing else (MatMul + Add, nn.Linear's
 * spelling), is left: folding it would only respell it. A chain
 * before a conv that pads is left (its border would see 0, not the BN's
 * shift) with a `PRE_BN_PADDED` refusal when it holds a BatchNorm.
 */
export async function singleConvBlocks(
  view: GraphView,
  taken: (n: GraphNodeView) => boolean,
  hold: (nodes: readonly GraphNodeView[], name: string) => void,
): Promise<{ matches: GraphBlockMatch[]; refused: Refusal[] }> {
  const matches: GraphBlockMatch[] = [];
  const refused: Refusal[] = [];
  for (const node of view.nodes) {
    if (node.op.kind !== "conv" || taken(node) || node.outputs.length !== 1 || node.inputs.length !== 1) continue;
    const conv = node as ConvNode;
    const { chain, output } = followingAffines(view, conv.outputs[0]!);
    if (chain.some(taken)) continue;
    const padded = scalesBeforePad(view, conv, taken);
    const before = padded?.scales ?? precedingAffines(view, conv.inputs[0]!, taken);
    // Constant scales alone (Mul, Div) commute with zero padding: they fold before any conv.
    const pre = unpadded(conv.op) || before.every(isScale) ? before : [];
    // Inside a sum the sum's own refusal says why (UNSUPPORTED_BRANCH): say it once.
    const inSum = view.consumers(output).some((n) => n.op.kind === "add" || n.op.kind === "sub");
    if (pre.length < before.length && !inSum && before.some((n) => n.op.kind === "batchnorm")) {
      const name = blockName([...before, conv].map((n) => n.id));
      refused.push(
        refusal(
          name,
          "PRE_BN_PADDED",
          `the BatchNorm before '${conv.id}' is not folded: the conv pads its input`,
          conv.outputs[0]!,
        ),
      );
    }
    if (chain.length === 0 && pre.length === 0) continue;
    // A Linear without a bias followed by one Add alone (MatMul + Add, as exporters spell nn.Linear) is no block:
    // folding it would only respell the layer. A Linear that has a bias (a Gemm, or a MatMul not read by one
    // constant Add: the ONNX view gives them a zero one) or more constants after it folds them: fewer nodes.
    const biasOnly = chain.length === 1 && chain[0]!.op.kind === "affine" && chain[0]!.op.scale === undefined;
    if (conv.op.linear === true && conv.op.bias === undefined && pre.length === 0 && biasOnly) continue;
    const parse: BranchParse = padded
      ? { kind: "conv", root: padded.pad.inputs[0]!, pad: padded.pad, conv, after: chain }
      : { kind: "conv", root: conv.inputs[0]!, conv, after: chain };
    const nodes = [...pre, ...(padded ? [padded.pad] : []), conv, ...chain];
    const input = pre.length > 0 ? pre[0]!.inputs[0]! : conv.inputs[0]!;
    const name = blockName(nodes.map((n) => n.id));
    // The composed chain looks like a BN in the layout: only the nodes say nothing was one.
    const affineOnly = pre.length === 0 && chain.every((n) => n.op.kind === "affine");
    const family = affineOnly ? "conv-affine" : undefined;
    const m = await makeMatch(view, name, input, output, nodes, [parse], [], parseChannels(parse)!, pre, family);
    if ("reason" in m) refused.push(m);
    else {
      matches.push(m);
      hold(nodes, m.candidate.name);
    }
  }
  return { matches, refused };
}
