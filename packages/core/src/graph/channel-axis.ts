import type { Dims, LayoutOp } from "./graph-view.js";

/**
 * Where a BatchNorm's channels are in a tensor: the axis that holds them
 * and the tensor's rank where known. A per-channel affine x' = t[c] x + s[c]
 * over that axis commutes with an op exactly when the op sends every element
 * of channel c to channel c of an axis of its output (moving values keeps
 * each value's affine) and makes no value from nothing (a padded zero would
 * stay 0, not become s[c]) and mixes no two channels.
 */
export interface ChannelAxis {
  readonly axis: number;
  readonly rank?: number;
  /** The channel count. */
  readonly channels: number;
}

/** Why the channels do not follow an op: the refusal's reason and a sentence. */
export interface AxisRefusal {
  readonly reason: "PRE_BN_LAYOUT" | "PRE_BN_PADDED";
  readonly message: string;
}

const product = (d: Dims): number | undefined =>
  d.every((v) => v !== undefined) ? d.reduce<number>((a, v) => a * v!, 1) : undefined;

/**
 * Through a Reshape: in row-major order an element of channel c sits at
 * flat index (p * C + c) * S + s, where P is the product of the dims before
 * the channel axis and S of those after it. An output axis b with dim C and
 * the same product S' = S after it (or P' = P before it: the totals are
 * equal, so S' = S) reads (f div S') mod C = c: the channel is kept. Any
 * other reshape mixes channels (or is not proven not to: dims unknown).
 */
function throughReshape(
  at: ChannelAxis,
  op: Extract<LayoutOp, { op: "reshape" }>,
  id: string,
): ChannelAxis | AxisRefusal {
  const { from, to } = op;
  const unknown = { reason: "PRE_BN_LAYOUT" as const, message: `the dims of Reshape '${id}' are not known` };
  if (from === undefined || to === undefined) return unknown;
  if (at.rank !== undefined && from.length !== at.rank) return unknown;
  const a = at.axis;
  if (from[a] !== undefined && from[a] !== at.channels)
    return {
      reason: "PRE_BN_LAYOUT",
      message: `Reshape '${id}' reads ${from[a]} channels on axis ${a}, not ${at.channels}`,
    };
  const before = product(from.slice(0, a));
  const after = product(from.slice(a + 1));
  for (let b = 0; b < to.length; b++) {
    if (to[b] !== at.channels) continue;
    const sameBefore = before !== undefined && product(to.slice(0, b)) === before;
    const sameAfter = after !== undefined && product(to.slice(b + 1)) === after;
    if (sameBefore || sameAfter) return { axis: b, rank: to.length, channels: at.channels };
  }
  const shape = (d: Dims) => `[${d.map((v) => v ?? "?").join(", ")}]`;
  return {
    reason: "PRE_BN_LAYOUT",
    message: `Reshape '${id}' from ${shape(from)} to ${shape(to)} is not shown to keep the ${at.channels} channels of axis ${a} on one axis`,
  };
}

/** Pads of a pool or Pad node that any window reads: none when all are 0. */
const unpadded = (pads: readonly number[]) => pads.every((p) => p === 0);

/**
 * Through an average pool over the axes after the first two: the channel
 * axis must not be one of them. Each output averages D values of its window:
 * (1/D) sum_{real i} (t x_i + s) = t avg(x) + s * (n_real / D), where n_real
 * counts the window's positions inside the input. Exact when n_real = D for
 * every window: no pads and floor mode (windows inside the input), or a
 * divisor that counts only real positions (count_include_pad = 0) with every
 * pad smaller than the kernel (every window holds a real position), floor
 * mode. Otherwise a window at the border gets s * n_real / D, not s.
 */
function throughAvgPool(
  at: ChannelAxis,
  op: Extract<LayoutOp, { op: "avgpool" }>,
  id: string,
): ChannelAxis | AxisRefusal {
  if (at.axis >= 2)
    return { reason: "PRE_BN_LAYOUT", message: `AveragePool '${id}' averages along the channel axis ${at.axis}` };
  if (at.rank !== undefined && op.kernel.length !== at.rank - 2)
    return {
      reason: "PRE_BN_LAYOUT",
      message: `AveragePool '${id}' pools ${op.kernel.length} axes of a rank ${at.rank} tensor`,
    };
  const n = op.kernel.length;
  const small = op.pads.every((p, i) => p < op.kernel[i % n]!);
  if (!op.ceil && (unpadded(op.pads) || (!op.countIncludePad && small))) return { ...at, rank: n + 2 };
  return {
    reason: "PRE_BN_PADDED",
    message: op.ceil
      ? `AveragePool '${id}' is in ceil mode: its last window may hang over the end, where the BatchNorm's shift would be averaged with a smaller weight`
      : `AveragePool '${id}' pads and counts the padding in its divisor: a border window would average the BatchNorm's shift with 0`,
  };
}

/**
 * Where the channels are after `op` (node `id`), or why they cannot be
 * followed through it: a Transpose moves them to the axis that reads theirs;
 * a Reshape keeps them on one axis only as {@link throughReshape} proves; a
 * zero Pad that pads nothing is the identity (one that pads makes zeros that
 * the BatchNorm would have turned into its shift); an average pool as
 * {@link throughAvgPool} derives. Linear ops (matmul, bias) are not layout:
 * the caller reads them.
 */
export function channelAxisAfter(at: ChannelAxis, op: LayoutOp, id: string): ChannelAxis | AxisRefusal {
  switch (op.op) {
    case "reshape":
      return throughReshape(at, op, id);
    case "transpose": {
      const axis = op.perm.indexOf(at.axis);
      if ((at.rank !== undefined && op.perm.length !== at.rank) || axis < 0)
        return { reason: "PRE_BN_LAYOUT", message: `Transpose '${id}' has a perm of another rank` };
      return { axis, rank: op.perm.length, channels: at.channels };
    }
    case "pad":
      return unpadded(op.pads)
        ? at
        : {
            reason: "PRE_BN_PADDED",
            message: `Pad '${id}' pads with zeros, which the BatchNorm's shift would not reach`,
          };
    case "avgpool":
      return throughAvgPool(at, op, id);
    default:
      return { reason: "PRE_BN_LAYOUT", message: `'${id}' is not a layout op` };
  }
}
