import { Rng } from "../rng.js";
import { convUnit, linearSumUnit, linearUnit, pointwiseUnit } from "./draw-units.js";
import { type SumInfo, sumUnit } from "./draw-sum.js";
import { type NewOp, RegionBuilder, type Segment, type UnitKind } from "./region-builder.js";
import type { RegionOp, RegionSpec, SegmentKind } from "./region-spec.js";
import { regionTags } from "./region-tags.js";

/** Hardest first: the kind a cut region is filed under. */
const HARDEST: readonly SegmentKind[] = [
  "seq-frame",
  "seq",
  "linear-seq",
  "pre-sum-seq",
  "sum-seq",
  "pre-sum",
  "sum",
  "pre-conv",
  "conv",
  "pre-linear-sum",
  "linear-sum",
  "pre-linear",
  "linear",
  "pointwise",
];

/**
 * A segment's kind: pointwise only, one conv-bearing unit (pre- when a
 * pointwise unit comes first), or several in sequence (seq-frame when a
 * unit pads an earlier one's output with a border-exact frame).
 */
export function segmentKind(s: Segment, flat: boolean): SegmentKind {
  const bearing = s.units.filter((u) => u !== "pointwise");
  if (bearing.length === 0) return "pointwise";
  if (bearing.length > 1) return flat ? "linear-seq" : s.frames > 0 ? "seq-frame" : "seq";
  const kind = bearing[0]! as Exclude<UnitKind, "pointwise">;
  return s.units.indexOf(kind) > 0 ? `pre-${kind}` : kind;
}

/** Linear stages (conv, pool, Linear) on the longest path to each tensor's output. */
function stagesOf(ops: readonly RegionOp[], output: string): number {
  const depth = new Map<string, number>([["x", 0]]);
  for (const op of ops) {
    const inputs = "inputs" in op ? op.inputs : [op.input];
    const d = Math.max(...inputs.map((t) => depth.get(t) ?? 0));
    depth.set(op.out, d + (op.kind === "conv" || op.kind === "pool" || op.kind === "linear" ? 1 : 0));
  }
  return Math.max(1, depth.get(output) ?? 0);
}

/** Largest channel count times the region's window (the x positions an output reads, per axis). */
function termsOf(ops: readonly RegionOp[], inputShape: readonly number[]): number {
  let channels = inputShape[1]!;
  const span = new Map<string, readonly [number, number, number, number]>([["x", [1, 0, 1, 0]]]); // a, extent per axis
  let area = 1;
  for (const op of ops) {
    const inputs = "inputs" in op ? op.inputs : [op.input];
    const [ah, eh, aw, ew] = inputs
      .map((t) => span.get(t)!)
      .reduce((m, s) => [s[0], Math.max(m[1], s[1]), s[2], Math.max(m[3], s[3])]);
    let next: [number, number, number, number] = [ah, eh, aw, ew];
    if (op.kind === "conv" || op.kind === "pool") {
      const [kh, kw] = op.kind === "conv" ? op.shape.slice(2) : op.size;
      const [dh, dw] = op.kind === "conv" ? op.dilations : [1, 1];
      next = [ah * op.strides[0], eh + ah * dh * (kh! - 1), aw * op.strides[1], ew + aw * dw * (kw! - 1)];
      if (op.kind === "conv") channels = Math.max(channels, op.shape[0], op.shape[1] * op.groups);
    }
    if (op.kind === "linear") channels = Math.max(channels, ...op.shape);
    span.set(op.out, next);
    area = Math.max(area, (next[1] + 1) * (next[3] + 1));
  }
  return channels * area;
}

/**
 * A random region (deterministic in `seed`): an input [1, C, H, W] (C <= 8,
 * H, W <= 12) or, one time in six, [N, C]; a chain of one to three units
 * (conv, sum of branches, pointwise BN / affines; Linear, sum of Linears on
 * [N, C]) with a ReLU or LeakyReLU between two units a quarter of the time.
 * A unit reads its input through pads that keep the chain one exact linear
 * map when they can (a frame holding what the previous unit gives for a zero
 * input: zeros after a bias-free conv, a constant Pad after a uniform bias,
 * the bias Add and BN moved after a zero Pad), and with zeros otherwise (or
 * by choice), which cuts it. The generator proves each cut or its absence
 * (`RegionBuilder`), and names the region's class from its segments.
 */
export function generateRegion(seed: number): RegionSpec {
  const rng = new Rng(seed);
  const flat = rng.bool(1 / 6);
  const c = rng.int(1, 8);
  const h = rng.int(3, 12);
  const inputShape = flat ? [rng.int(1, 3), c] : [1, c, h, rng.bool(0.7) ? h : rng.int(3, 12)];
  const b = new RegionBuilder(rng, inputShape);
  const n = rng.weighted([
    [1, 0.4],
    [2, 0.35],
    [3, 0.25],
  ] as const);
  const kinds = Array.from({ length: n }, () =>
    rng.weighted<UnitKind>(
      flat
        ? [
            ["linear", 0.45],
            ["linear-sum", 0.3],
            ["pointwise", 0.25],
          ]
        : [
            ["conv", 0.4],
            ["sum", 0.35],
            ["pointwise", 0.25],
          ],
    ),
  );
  if (!kinds.some((k) => k !== "pointwise")) kinds[n - 1] = flat ? "linear" : "conv";
  const acts = kinds.map((_, i) => i > 0 && rng.bool(0.25));
  let t = "x";
  const tags: string[] = [];
  for (let i = 0; i < n; i++) {
    if (acts[i]) t = b.cut(t, rng.bool(0.5) ? "Relu" : "LeakyRelu", rng.pick([0.01, 0.1, 0.2, 0.3]));
    const kind = kinds[i]!;
    const mode = rng.bool(0.7) ? "exact" : "zero";
    const next = kinds[i + 1];
    const framed = kind === "conv" && !acts[i + 1] && (next === "conv" || next === "sum");
    const defer = framed && rng.bool(0.4);
    const deferred: NewOp[] = [];
    const info: SumInfo = { seq: false, mixedDilation: false, dilatedSeq: false };
    const input = t;
    const pending = b.pending.length > 0;
    if (kind === "pointwise") t = b.unit(kind, input, "zero", () => pointwiseUnit(b, input));
    else if (kind === "linear") t = b.unit(kind, input, "zero", () => linearUnit(b, input));
    else if (kind === "linear-sum") t = b.unit(kind, input, "zero", () => linearSumUnit(b, input));
    else if (kind === "conv")
      t = b.unit(kind, input, mode, (m) => convUnit(b, input, m, defer ? deferred : undefined, framed));
    else {
      // Its kind is known once built: sum-seq when a 1x1 -> kxk branch is among its branches.
      t = b.unit("sum", input, mode, (m) => sumUnit(b, input, m, info));
      if (info.seq) b.segments[b.segments.length - 1]!.units.splice(-1, 1, "sum-seq");
      if (info.mixedDilation) tags.push("mixed-dilation");
      if (info.dilatedSeq) tags.push("dilated-seq");
    }
    // A unit that starts a segment after a conv whose bias and BN it applies past its Pads has them before it.
    const last = b.segments[b.segments.length - 1]!;
    if (pending && last.units.length === 1) last.units.unshift("pointwise");
    b.pending = deferred;
  }
  return regionSpec(b, seed, tags);
}

/**
 * The spec of what `b` built (seed `seed`): its segments' kinds, cut, ideal
 * count, class, tags (`known`: those the generator saw in sums; `frame`
 * where a segment holds one, see `regionTags`),
 * stages and terms of the bound.
 */
export function regionSpec(b: RegionBuilder, seed: number, known: readonly string[] = []): RegionSpec {
  const flat = b.inputShape.length === 2;
  const segments = b.segments.map((s) => segmentKind(s, flat));
  const cut = b.segments.some((s) => s.cut === "act") ? "act" : b.segments.length > 1 ? "pad" : "none";
  const hardest = HARDEST.find((k) => segments.includes(k))!;
  const output = b.ops[b.ops.length - 1]!.out;
  return {
    seed,
    inputShape: b.inputShape,
    ops: b.ops,
    output,
    outputShape: b.shape(output),
    segments,
    cut,
    ideal: segments.filter((k) => k !== "pointwise").length,
    tags: regionTags(b.ops, flat, b.segments.some((s) => s.frames > 0) ? [...known, "frame"] : known),
    klass: `${cut === "none" ? "exact" : `cut-${cut}`}/${hardest}`,
    stages: stagesOf(b.ops, output),
    terms: termsOf(b.ops, b.inputShape),
  };
}
