import { batchNormAffine } from "../block/batch-norm.js";
import type { Pads, Pair } from "../block/block.js";
import type { RefusalReason } from "../block/refusal.js";
import { type ChainStage, composeChain, denseChain } from "../branch/sequential/compose-chain.js";
import { isReparamError } from "../contract/reparam-error.js";
import { composeAffine } from "./compose-affine.js";
import type { ConstRef, GraphView } from "./graph-view.js";
import type { AffineNode } from "./parse-branch.js";
import type { ChainParse } from "./parse-chain.js";
import { effectivePads } from "./same-pads.js";

type Shape4 = readonly [number, number, number, number];

/** A chain laid out as the one conv it collapses into (kernel computed in float64 here), or why not. */
export type ChainLayout =
  | {
      readonly shape: Shape4;
      readonly kernel: ConstRef;
      readonly bias: Float64Array;
      readonly stride: Pair;
      readonly pads: Pads;
      readonly dilation: Pair;
      readonly groups: number;
    }
  | { readonly reason: RefusalReason; readonly message: string };

const ZERO: Pads = [0, 0, 0, 0];
const add = (a: Pads, b: Pads | undefined): Pads =>
  b === undefined ? a : [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];

/** The affine nodes as per-channel scale and shift over `channels` (identity when none). */
async function affineOf(nodes: readonly AffineNode[], channels: number) {
  const bn = await composeAffine(nodes, channels);
  return bn === undefined ? undefined : batchNormAffine(bn, `'${nodes[0]!.id}'`);
}

/** One conv with the affine nodes after it folded: K' = K scale[o], b' = b scale + shift. */
async function foldedConv(link: ChainParse["links"][number], after: readonly AffineNode[]) {
  const op = link.conv.op;
  const shape = op.kernel.shape as unknown as Shape4;
  const raw = await op.kernel.values();
  const bias = op.bias === undefined ? new Float64Array(shape[0]) : Float64Array.from(await op.bias.values());
  const a = await affineOf(after, shape[0]);
  if (a === undefined) return { kernel: { data: raw, shape }, bias };
  const per = raw.length / shape[0];
  const data = new Float64Array(raw.length);
  for (let o = 0; o < shape[0]; o++) {
    for (let j = 0; j < per; j++) data[o * per + j] = raw[o * per + j]! * a.scale[o]!;
    bias[o] = bias[o]! * a.scale[o]! + a.shift[o]!;
  }
  return { kernel: { data, shape }, bias };
}

/**
 * The BN / affine nodes before a chain's first conv (`pre`) as a first
 * stage: a depthwise 1x1 conv, scale as kernel and shift as bias (those
 * after its Pad fold in too; its frame then holds what they make of the
 * Pad's value, as after any conv).
 */
async function affineStage(link: ChainParse["links"][number]): Promise<ChainStage> {
  const op = link.conv.op;
  const c = op.kernel.shape[1]! * op.groups;
  const a = await affineOf([...link.beforePad, ...link.afterPad], c);
  return {
    kernel: { data: a?.scale ?? new Float64Array(c).fill(1), shape: [c, 1, 1, 1] },
    bias: a?.shift ?? new Float64Array(c),
    stride: [1, 1],
    dilation: [1, 1],
    groups: c,
    name: `'${(link.beforePad[0] ?? link.afterPad[0])!.id}'`,
    pads: ZERO,
  };
}

/**
 * Loads a chain's convs (every BN / affine node folded into the conv before
 * it), their pads (own, SAME resolved along the chain, plus Pad nodes) and
 * frames (a Pad's frame holds what the nodes after it make of its value:
 * of 0 in DBB's BNAndPad and ECBSR's `pad(conv1x1(x)) + b0`, of the
 * chain's zero response in a constant Pad with that value), and collapses them with core's
 * `composeChain`, which proves the borders or says why not. The conv keeps
 * the chain's dilation (the common step of its taps) at stride 1; a strided
 * chain is laid out at dilation 1 (`denseChain`).
 */
export async function chainLayout(view: GraphView, p: ChainParse): Promise<ChainLayout> {
  const rootSize = view.spatialSize(p.root);
  let size: Pair | undefined = rootSize;
  const stages: ChainStage[] = [];
  try {
    if (p.pre) stages.push(await affineStage(p.links[0]!));
    for (let i = 0; i < p.links.length; i++) {
      const link = p.links[i]!;
      const op = link.conv.op;
      // The first link's Pad is X's padding, or, after a first stage (`pre`), a frame like any other.
      const framed = i > 0 || p.pre === true;
      const padNode = framed ? link.pad?.op.pads : p.pad?.op.pads;
      const input: Pair | undefined =
        size === undefined
          ? undefined
          : [size[0] + (padNode?.[0] ?? 0) + (padNode?.[2] ?? 0), size[1] + (padNode?.[1] ?? 0) + (padNode?.[3] ?? 0)];
      const k: Pair = [op.kernel.shape[2]!, op.kernel.shape[3]!];
      const own = effectivePads(op.padding, k, op.stride, op.dilation, input);
      if (own === undefined)
        return { reason: "PADS_UNKNOWN", message: `SAME padding of '${link.conv.id}' needs the input size` };
      const next = p.links[i + 1];
      const conv = await foldedConv(link, next === undefined ? p.after : [...next.beforePad, ...next.afterPad]);
      // The frame of the Pad node in front of this conv: what the nodes after the Pad make of its value v.
      let fill: Float64Array | undefined;
      const v = link.pad?.op.value ?? 0;
      if (framed && padNode?.some((p) => p > 0) && (link.afterPad.length > 0 || v !== 0)) {
        const channels = op.kernel.shape[1]! * op.groups;
        const a = await affineOf(link.afterPad, channels);
        fill = Float64Array.from({ length: channels }, (_, c) => (a === undefined ? v : v * a.scale[c]! + a.shift[c]!));
        if (fill?.some((v) => v !== 0) && own.some((v) => v > 0))
          return {
            reason: "SEQUENTIAL_BORDER",
            message: `'${link.conv.id}' pads its input with zeros around the frame of '${link.pad!.id}', which holds non-zero values: two frames, two values`,
          };
      }
      stages.push({
        kernel: conv.kernel,
        bias: conv.bias,
        stride: op.stride,
        dilation: op.dilation,
        groups: op.groups,
        name: `'${link.conv.id}'`,
        pads: add(add(ZERO, own), padNode),
        ...(fill === undefined ? {} : { fill }),
      });
      if (input !== undefined) {
        const ext = (a: 0 | 1) =>
          Math.floor((input[a] + own[a] + own[a + 2]! - (k[a] - 1) * op.dilation[a] - 1) / op.stride[a]) + 1;
        size = [ext(0), ext(1)];
      }
    }
  } catch (e) {
    if (isReparamError(e) && e.code === "CORE_BAD_BATCH_NORM") return { reason: "BAD_BATCH_NORM", message: e.message };
    throw e;
  }
  const ids = p.links.map((l) => `'${l.conv.id}'`).join(" -> ");
  const composed = composeChain(stages, ids, rootSize);
  if ("reason" in composed) return { reason: composed.reason, message: `chain ${ids}: ${composed.message}` };
  // The chain at the common step of its taps, unless that makes it strided and dilated at once: a conv
  // some formats cannot hold (TF has none), so a strided chain is laid out dense, as one at dilation 1
  // (when that kernel is not too wide; else as it is, which such a format refuses).
  const strided = composed.stride[0] !== 1 || composed.stride[1] !== 1;
  const r = (strided ? denseChain(composed) : undefined) ?? composed;
  const data = r.kernel.data;
  return {
    shape: r.kernel.shape,
    kernel: { shape: r.kernel.shape, values: async () => data },
    bias: r.bias,
    stride: r.stride,
    pads: r.pads,
    dilation: r.dilation,
    groups: r.groups,
  };
}
