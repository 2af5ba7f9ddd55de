import { isAffine } from "./affine-nodes.js";
import { refusal, type Refusal } from "../block/refusal.js";
import { blockName } from "./block-name.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";

type Conv = GraphNodeView & { readonly op: Extract<GraphNodeView["op"], { kind: "conv" }> };

/** A plain 1x1 conv over an image: stride 1, no padding, not a Linear layer. */
const isPlain1x1 = (n: GraphNodeView | undefined): n is Conv =>
  n !== undefined &&
  n.op.kind === "conv" &&
  n.inputs.length === 1 &&
  n.op.linear !== true &&
  n.op.kernel.shape[2] === 1 &&
  n.op.kernel.shape[3] === 1 &&
  n.op.stride[0] === 1 &&
  n.op.stride[1] === 1 &&
  (n.op.padding.kind !== "explicit" || n.op.padding.pads.every((v) => v === 0));

/** True when `t` is read by `n` alone and is no model output. */
const onlyFor = (view: GraphView, t: string, n: GraphNodeView) =>
  !view.isGraphOutput(t) && view.consumers(t).length === 1 && view.consumers(t)[0] === n;

/**
 * Two 1x1 convs (each with its BN / affine nodes) across a leaky ReLU whose
 * slope is not 1: VanillaNet mid-training, `conv2(leaky_relu(conv1(x), a))`,
 * which its deploy step merges into one conv as if a were 1. The merge is
 * exact only at slope 1; each pair is reported (`SEQUENTIAL_NONLINEAR`) and
 * left as it is (each conv's BN still folds, as a block of its own).
 */
export function activationPairs(view: GraphView): Refusal[] {
  const out: Refusal[] = [];
  for (const act of view.nodes) {
    const a = act.op.kind === "other" ? act.op.activation : undefined;
    if (a === undefined || a.slopes.every((s) => s === 1) || act.inputs.length !== 1 || act.outputs.length !== 1)
      continue;
    const next = view.consumers(act.outputs[0]!);
    const conv2 = next[0];
    if (next.length !== 1 || !isPlain1x1(conv2) || view.isGraphOutput(act.outputs[0]!)) continue;
    const between: GraphNodeView[] = [];
    let t = act.inputs[0]!;
    let p = view.producer(t);
    for (; isAffine(p) && onlyFor(view, t, between[0] ?? act); p = view.producer(t)) {
      between.unshift(p);
      t = p.inputs[0]!;
    }
    if (!isPlain1x1(p) || !onlyFor(view, t, between[0] ?? act)) continue;
    const shown = a.slopes.length === 1 ? `${a.slopes[0]}` : `${a.slopes.find((s) => s !== 1)} (per channel)`;
    out.push(
      refusal(
        blockName([p, ...between, act, conv2].map((n) => n.id)),
        "SEQUENTIAL_NONLINEAR",
        `'${p.id}' and '${conv2.id}' are two 1x1 convs across '${act.id}' (${a.op}, slope ${shown}): one conv only at slope 1 (VanillaNet's deploy merge); left as they are, their BatchNorms folded`,
        conv2.outputs[0]!,
      ),
    );
  }
  return out;
}
