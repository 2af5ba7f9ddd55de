import type { RefusalReason } from "../block/refusal.js";
import { channelAxisAfter, type ChannelAxis } from "./channel-axis.js";
import type { GraphNodeView, GraphView } from "./graph-view.js";
import type { AffineNode } from "./parse-branch.js";

type NodeOf<K extends string> = GraphNodeView & { readonly op: Extract<GraphNodeView["op"], { kind: K }> };
export type BatchNormNode = NodeOf<"batchnorm">;
/** A conv (or a Linear over [N, C]) or a Linear on tokens: what absorbs a pre-BN. */
export type LinearNode = NodeOf<"conv"> | NodeOf<"layout">;

/** A consumer that absorbs the region's BatchNorms: the nodes applied before it, in order. */
export interface PreBnLeaf {
  readonly node: LinearNode;
  /** The BatchNorm / affine nodes on its way from the head, in application order (the head first). */
  readonly chain: readonly AffineNode[];
}

/**
 * What a BatchNorm reaches through ops that keep its channels: every way
 * ends in a linear consumer that contracts the channels (`leaves`), the
 * BatchNorm / affine nodes on the ways (`affines`, the head first: all
 * removed, their readers reading their inputs), and the layout ops passed
 * (`layouts`, kept as they are).
 */
export interface PreBnRegion {
  readonly head: BatchNormNode;
  readonly leaves: readonly PreBnLeaf[];
  readonly affines: readonly AffineNode[];
  readonly layouts: readonly GraphNodeView[];
}

/** Why not: a reason and a sentence, and how far the walk got (to tell a pre-BN region from a plain BN). */
export interface PreBnMiss {
  readonly reason: RefusalReason;
  readonly message: string;
  /** Convs and Linears reached, whether or not they absorb it. */
  readonly leaves: number;
  /** Layout ops met, passed or not. */
  readonly layouts: number;
}

/** At most this many nodes in one region (a model-sized walk means this BatchNorm is no pre-BN). */
const LIMIT = 256;

/** True when a conv reads no padding (see `Block.preBn`): explicit zeros, VALID, or a 1x1 stride-1 SAME. */
export function convUnpadded(op: NodeOf<"conv">["op"]): boolean {
  const p = op.padding;
  if (p.kind === "valid") return true;
  if (p.kind === "explicit") return p.pads.every((v) => v === 0);
  return op.kernel.shape[2] === 1 && op.kernel.shape[3] === 1 && op.stride[0] === 1 && op.stride[1] === 1;
}

const isLinear = (n: GraphNodeView) => n.op.kind === "conv" || (n.op.kind === "layout" && n.op.layout.op === "matmul");

/** True when a conv or Linear reads `t` through layout, pad, pool, BN or affine nodes (a few dozen at most). */
function reachesLinear(view: GraphView, t: string): boolean {
  const passes = new Set(["layout", "batchnorm", "affine", "pad", "avgpool"]);
  const todo = [t];
  for (let seen = 0; todo.length > 0 && seen < 32; seen++) {
    for (const c of view.consumers(todo.pop()!)) {
      if (isLinear(c)) return true;
      if (passes.has(c.op.kind) && c.outputs.length === 1) todo.push(c.outputs[0]!);
    }
  }
  return false;
}

type Step =
  | { readonly next: ChannelAxis }
  | { readonly leaf: true }
  | { readonly reason: RefusalReason; readonly message: string };

/**
 * True when the channels `at` are on the axis a per-channel op acts on: axis
 * 1, or for a `channelsLast` op the last axis (of a known rank).
 */
const onChannels = (at: ChannelAxis, last: boolean, rank = at.rank): boolean =>
  last ? rank !== undefined && at.axis === rank - 1 : at.axis === 1;

/** What consumer `c` does to the channels `at`: passes them on, absorbs them, or stops the region. */
function step(c: GraphNodeView, at: ChannelAxis): Step {
  const op = c.op;
  const last = "channelsLast" in op && op.channelsLast === true;
  const where = last ? "the last axis" : "axis 1";
  const notLinear = (what: string): Step => ({
    reason: "SHARED_INTERMEDIATE",
    message: `the BatchNorm's output also reaches '${c.id}', ${what}: the BatchNorm stays`,
  });
  switch (op.kind) {
    case "batchnorm":
      if (!onChannels(at, last))
        return {
          reason: "PRE_BN_LAYOUT",
          message: `BatchNorm '${c.id}' normalizes ${where}, the channels are on axis ${at.axis}`,
        };
      if (op.gamma.shape[0] !== at.channels)
        return {
          reason: "CHANNEL_MISMATCH",
          message: `BatchNorm '${c.id}' has ${op.gamma.shape[0]} channels, not ${at.channels}`,
        };
      return { next: at };
    case "affine": {
      const scalar = [op.scale, op.shift].every((v) => v === undefined || v.shape.every((d) => d === 1));
      // A graph view reads per-channel constants for 4-D NCHW tensors ([C, 1, 1]): elsewhere they broadcast otherwise.
      // Channels-last constants ([C]) broadcast along the last axis at any rank.
      if (scalar || (last ? onChannels(at, last) : at.axis === 1 && at.rank === 4)) return { next: at };
      return { reason: "PRE_BN_LAYOUT", message: `the constant of '${c.id}' is not known to run along the channels` };
    }
    case "conv": {
      const rank = op.linear === true ? 2 : 4;
      if (!onChannels(at, last, rank) || (at.rank !== undefined && at.rank !== rank))
        return {
          reason: "PRE_BN_LAYOUT",
          message: `'${c.id}' contracts ${where}, the channels are on axis ${at.axis}`,
        };
      if (op.kernel.shape[1]! * op.groups !== at.channels)
        return {
          reason: "CHANNEL_MISMATCH",
          message: `'${c.id}' reads ${op.kernel.shape[1]! * op.groups} channels, not ${at.channels}`,
        };
      if (!convUnpadded(op))
        return {
          reason: "PRE_BN_PADDED",
          message: `the BatchNorm before '${c.id}' is not folded: the conv pads its input`,
        };
      return { leaf: true };
    }
    case "layout": {
      const l = op.layout;
      if (l.op === "bias") return notLinear("a bias over the last axis before any Linear");
      if (l.op !== "matmul") {
        const after = channelAxisAfter(at, l, c.id);
        return "reason" in after ? after : { next: after };
      }
      const rank = at.rank ?? l.rank;
      if (rank === undefined)
        return { reason: "PRE_BN_LAYOUT", message: `the rank of the input of '${c.id}' is not known` };
      if (at.axis !== rank - 1)
        return {
          reason: "PRE_BN_LAYOUT",
          message: `'${c.id}' contracts the last axis (${rank - 1}), the channels are on axis ${at.axis}`,
        };
      if (l.kernel.shape[1] !== at.channels)
        return {
          reason: "CHANNEL_MISMATCH",
          message: `'${c.id}' reads ${l.kernel.shape[1]} channels, not ${at.channels}`,
        };
      return { leaf: true };
    }
    case "pad":
      return op.pads.every((p) => p === 0)
        ? { next: at }
        : {
            reason: "PRE_BN_PADDED",
            message:
              (op.value ?? 0) === 0
                ? `Pad '${c.id}' pads with zeros, which the BatchNorm's shift would not reach`
                : `Pad '${c.id}' pads with ${op.value}, a frame the BatchNorm is not followed through`,
          };
    case "avgpool": {
      const p = op.padding;
      const none = p.kind === "valid" || (p.kind === "explicit" && p.pads.every((v) => v === 0));
      if (onChannels(at, last) && none) return { next: at };
      return { reason: "PRE_BN_PADDED", message: `AveragePool '${c.id}' counts its padding in the divisor` };
    }
    default:
      return notLinear("which is not a conv or Linear reached through ops that keep the channels");
  }
}

/**
 * Walks forward from BatchNorm `head` through every consumer (see
 * {@link step}) and returns the region when every way ends in a linear
 * consumer that absorbs the BatchNorm, else why not (the first way that
 * stops, with how many leaves and layout ops the other ways reached). A
 * node held by a block already (`taken`), a model output on the way, or a
 * node that also reads another tensor stops a way.
 */
export function preBnRegion(
  view: GraphView,
  head: BatchNormNode,
  taken: (n: GraphNodeView) => boolean,
): PreBnRegion | PreBnMiss {
  const leaves: PreBnLeaf[] = [];
  const affines: AffineNode[] = [head];
  const layouts: GraphNodeView[] = [];
  // The first way that does not fold; the walk goes on along the others, to tell how far the region reaches.
  let missed: { reason: RefusalReason; message: string } | undefined;
  let reached = 0;
  let blocked = 0; // layout ops the channels do not pass
  const miss = (reason: RefusalReason, message: string) => {
    missed ??= { reason, message };
  };
  const channels = head.op.gamma.shape[0]!;
  // Channels-last: the channels are on the head's last axis, so its rank must be known.
  const rank = head.op.channelsLast === true ? head.op.rank : undefined;
  if (head.op.channelsLast === true && rank === undefined)
    return {
      reason: "PRE_BN_LAYOUT",
      message: `the rank of the input of BatchNorm '${head.id}' is not known`,
      leaves: 0,
      layouts: 0,
    };
  const start: ChannelAxis = rank === undefined ? { axis: 1, channels } : { axis: rank - 1, rank, channels };
  const todo: { tensor: string; at: ChannelAxis; chain: readonly AffineNode[] }[] = [
    { tensor: head.outputs[0]!, at: start, chain: [head] },
  ];
  while (todo.length > 0) {
    const { tensor, at, chain } = todo.pop()!;
    if (view.isGraphOutput(tensor)) miss("SHARED_INTERMEDIATE", `'${tensor}' on the BatchNorm's way is a model output`);
    const consumers = view.consumers(tensor);
    if (consumers.length === 0) miss("SHARED_INTERMEDIATE", `'${tensor}' on the BatchNorm's way is read by nothing`);
    for (const c of consumers) {
      if (affines.length + layouts.length + leaves.length > LIMIT) {
        miss("SHARED_INTERMEDIATE", "the region is too large");
        return { ...missed!, leaves: leaves.length + reached, layouts: layouts.length + blocked };
      }
      if (taken(c)) {
        miss("SHARED_INTERMEDIATE", `'${c.id}' on the BatchNorm's way belongs to another block`);
        continue;
      }
      if (c.inputs.length !== 1 || c.outputs.length !== 1) {
        miss(
          "SHARED_INTERMEDIATE",
          `the BatchNorm's output also reaches '${c.id}', which reads other data: the BatchNorm stays`,
        );
        continue;
      }
      const s = step(c, at);
      if ("reason" in s) {
        miss(s.reason, s.message);
        // A conv or Linear that cannot absorb it still shows the region was meant to fold.
        if (isLinear(c) || reachesLinear(view, c.outputs[0]!)) reached++;
        if (c.op.kind === "layout" && !isLinear(c)) blocked++;
        continue;
      }
      if ("leaf" in s) {
        leaves.push({ node: c as LinearNode, chain });
        continue;
      }
      const affine = c.op.kind === "batchnorm" || c.op.kind === "affine";
      if (affine) affines.push(c as AffineNode);
      else layouts.push(c);
      todo.push({ tensor: c.outputs[0]!, at: s.next, chain: affine ? [...chain, c as AffineNode] : chain });
    }
  }
  if (missed !== undefined) return { ...missed, leaves: leaves.length + reached, layouts: layouts.length + blocked };
  return { head, leaves, affines, layouts };
}
