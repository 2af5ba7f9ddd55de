import { effectivePads, type GraphNodeView, type NeutralOp, type Pads, type Pair } from "@reparam/core";
import { attrInt } from "../codec/_graph-attr.js";
import { weightValues } from "../codec/weight-values.js";
import { parseInput, type GraphIndex } from "./_graph-index.js";
import type { NodeDefJson } from "../codec/graph-topology.js";

type ConvOp = Extract<NeutralOp, { kind: "conv" }>;

/** The rows (or columns) a StridedSlice keeps of one axis: `begin`, `begin + step`, ... up to the axis' end. */
interface AxisSlice {
  readonly begin: number;
  readonly step: number;
}

const MASKS = ["ellipsis_mask", "new_axis_mask", "shrink_axis_mask"] as const;

/**
 * The spatial steps of an NHWC `StridedSlice` with constant int32 `begin`,
 * `end`, `strides` of 4 entries that keeps every batch entry and channel and,
 * per spatial axis, the rows `b, b + s, b + 2s, ...` to the end of the axis
 * (`end` masked or at least the axis' length); undefined for anything else
 * (negative or ellipsis / new-axis / shrink indexing, a cut end).
 */
function sliceAxes(node: NodeDefJson, index: GraphIndex, dims: readonly number[]): [AxisSlice, AxisSlice] | undefined {
  const inputs = (node.input ?? []).map(parseInput);
  if (inputs.length !== 4 || inputs.some((i) => i.control) || MASKS.some((m) => (attrInt(node, m) ?? 0) !== 0))
    return undefined;
  const ints = inputs.slice(1).map((i) => {
    const w = index.constWeight(i.tensor);
    return w?.dtype === "int32" && w.shape.length === 1 && w.shape[0] === 4 ? Array.from(weightValues(w)) : undefined;
  });
  const [begin, end, strides] = ints;
  if (begin === undefined || end === undefined || strides === undefined) return undefined;
  const beginMask = attrInt(node, "begin_mask") ?? 0;
  const endMask = attrInt(node, "end_mask") ?? 0;
  const axes: AxisSlice[] = [];
  for (let a = 0; a < 4; a++) {
    const b = (beginMask >> a) & 1 ? 0 : begin[a]!;
    const covers = ((endMask >> a) & 1) === 1 || (dims[a] !== undefined && dims[a]! >= 0 && end[a]! >= dims[a]!);
    const s = strides[a]!;
    if (b < 0 || !covers || s < 1) return undefined;
    if ((a === 0 || a === 3) && (b !== 0 || s !== 1)) return undefined;
    axes.push({ begin: b, step: s });
  }
  return [axes[1]!, axes[2]!];
}

/**
 * One axis of the strided conv: stride-1 output row `i` reads input rows
 * `i - t + d k` (k < K; zeros outside [0, n)), so row `b + s j` reads
 * `s j - (t - b) + d k`: row j of a stride-s conv with top pad t - b (which
 * must be >= 0). The slice keeps m = ceil((n1 - b) / s) rows of the n1 =
 * n + t + e - d (K - 1) stride-1 rows; the bottom pad is the least that makes
 * the strided conv's last window (row m - 1) fit, checked to give m rows:
 * rows past n read zeros either way. Undefined when it does not hold.
 */
function stridedAxis(n: number, kernel: number, dilation: number, top: number, bottom: number, slice: AxisSlice) {
  const span = dilation * (kernel - 1);
  const n1 = n + top + bottom - span;
  const t = top - slice.begin;
  if (n1 < 1 || slice.begin >= n1 || t < 0) return undefined;
  const m = Math.ceil((n1 - slice.begin) / slice.step);
  const e = Math.max(0, slice.step * (m - 1) + span - (n - 1) - t);
  const rows = Math.floor((n + t + e - span - 1) / slice.step) + 1;
  return rows === m ? { top: t, bottom: e, rows } : undefined;
}

/**
 * A stride-1 conv (`op`, reading an input of spatial size `size`) followed
 * by `slice` as one conv strided by the slice's steps, with explicit pads
 * ({@link stridedAxis}): how TF spells a conv strided and dilated at once
 * (RepNeXt's dilated 2x2 at stride 2), which it has no op for. Undefined
 * when the slice is not such a slice or the size is not known.
 */
export function stridedConvOp(
  op: ConvOp,
  slice: NodeDefJson,
  index: GraphIndex,
  size: Pair | undefined,
): ConvOp | undefined {
  if (size === undefined || op.linear === true || op.stride[0] !== 1 || op.stride[1] !== 1) return undefined;
  const kernel: Pair = [op.kernel.shape[2]!, op.kernel.shape[3]!];
  const pads = effectivePads(op.padding, kernel, op.stride, op.dilation, size);
  if (pads === undefined) return undefined;
  const span = (i: 0 | 1) => size[i] + pads[i] + pads[i + 2]! - op.dilation[i] * (kernel[i] - 1);
  const axes = sliceAxes(slice, index, [-1, span(0), span(1), op.kernel.shape[0]!]);
  if (axes === undefined) return undefined;
  const h = stridedAxis(size[0], kernel[0], op.dilation[0], pads[0], pads[2], axes[0]);
  const w = stridedAxis(size[1], kernel[1], op.dilation[1], pads[1], pads[3], axes[1]);
  if (h === undefined || w === undefined) return undefined;
  const explicit: Pads = [h.top, w.top, h.bottom, w.bottom];
  return { ...op, stride: [axes[0].step, axes[1].step], padding: { kind: "explicit", pads: explicit } };
}

/** The views with each stride-1 conv + StridedSlice pair merged into one strided conv, see {@link stridedConvs}. */
export interface StridedConvs {
  readonly views: GraphNodeView[];
  /** Merged conv id -> the slice node it also stands for (the writer removes both). */
  readonly absorbed: ReadonlyMap<string, readonly string[]>;
  /** [H, W] of each merged conv's output (the slice's). */
  readonly sizes: ReadonlyMap<string, Pair>;
}

/**
 * Merges each conv node whose only reader is a `StridedSlice` (see
 * {@link stridedConvOp}) with it: one view node with the conv's id and
 * input, the strided op, and the slice's output; the slice leaves the view.
 * `readers(t)` counts every reader of tensor t (data and control edges).
 */
export function stridedConvs(
  views: readonly GraphNodeView[],
  index: GraphIndex,
  size: (t: string) => Pair | undefined,
  readers: (t: string) => number,
  isOutput: (t: string) => boolean,
): StridedConvs {
  const byId = new Map(views.map((v) => [v.id, v] as const));
  const merged = new Map<string, GraphNodeView>();
  const absorbed = new Map<string, string[]>();
  const sizes = new Map<string, Pair>();
  const gone = new Set<string>();
  for (const v of views) {
    const node = index.byName.get(v.id);
    if (node?.op !== "StridedSlice" || v.inputs.length !== 1 || v.outputs.length !== 1) continue;
    const conv = byId.get(v.inputs[0]!);
    if (conv?.op.kind !== "conv" || conv.outputs.length !== 1 || conv.inputs.length !== 1) continue;
    if (readers(conv.id) !== 1 || isOutput(conv.id) || merged.has(conv.id)) continue;
    const input = size(conv.inputs[0]!);
    const op = stridedConvOp(conv.op, node, index, input);
    if (op === undefined || input === undefined) continue;
    merged.set(conv.id, { ...conv, op, outputs: [v.id] });
    absorbed.set(conv.id, [v.id]);
    gone.add(v.id);
    const p = op.padding.kind === "explicit" ? op.padding.pads : [0, 0, 0, 0];
    const out = (i: 0 | 1) =>
      Math.floor((input[i] + p[i]! + p[i + 2]! - op.dilation[i] * (op.kernel.shape[2 + i]! - 1) - 1) / op.stride[i]) +
      1;
    sizes.set(v.id, [out(0), out(1)]);
  }
  return { views: views.filter((v) => !gone.has(v.id)).map((v) => merged.get(v.id) ?? v), absorbed, sizes };
}
