import { randomKernel } from "../_random-values.js";
import type { PadMode, RegionBuilder } from "./region-builder.js";
import type { Pads4, Pair, RegionOp } from "./region-spec.js";
import { bnOp, drawAxis, drawBias, drawGroups, drawStride, emitChain, fitPads, tailOps } from "./draw-ops.js";

/** What a sum's branches hold: a 1x1 -> kxk (or pool) branch; kxk branches of different dilations. */
export interface SumInfo {
  seq: boolean;
  mixedDilation: boolean;
  /** A 1x1 -> kxk branch whose kxk is dilated. */
  dilatedSeq: boolean;
}

/** The sum's shared facts: input, channels, stride, output size, dilation of the main branch. */
interface SumFrame {
  readonly t: string;
  readonly c: number;
  readonly o: number;
  readonly size: Pair;
  readonly strides: Pair;
  readonly out: Pair;
  readonly dilations: Pair;
  readonly mode: PadMode;
}

/** Pads (top, left, bottom, right) for a window of kernel `k` and dilation `d` giving the sum's output, if any. */
function padsFor(b: RegionBuilder, f: SumFrame, k: Pair, d: Pair): [number, number, number, number] | undefined {
  const h = fitPads(b.rng, f.size[0], d[0] * (k[0] - 1) + 1, f.strides[0], f.out[0]);
  const w = fitPads(b.rng, f.size[1], d[1] * (k[1] - 1) + 1, f.strides[1], f.out[1]);
  return h === undefined || w === undefined ? undefined : [h[0], w[0], h[1], w[1]];
}

function drawKernel(b: RegionBuilder): Pair {
  const kh = b.rng.bool(0.3) ? 1 : b.rng.int(1, 5);
  return [kh, b.rng.bool(0.25) ? b.rng.int(1, 5) : kh];
}

/**
 * A conv (+ bias) (+ BN) branch over the sum's input with pads `given` or
 * fitted to the sum's output; undefined when none fit.
 */
function convBranch(b: RegionBuilder, f: SumFrame, k: Pair, d: Pair, given?: Pads4): string | undefined {
  const { rng } = b;
  const want = given ?? padsFor(b, f, k, d);
  if (want === undefined) return undefined;
  const { input, pads: own } = b.read(f.t, want, f.mode);
  const groups = drawGroups(rng, f.c, f.o);
  const weight = randomKernel(rng, [f.o, f.c / groups, k[0], k[1]]);
  const bias = rng.bool(0.3) ? drawBias(rng, f.o) : undefined;
  const y = b.emit(
    {
      kind: "conv",
      input,
      weight: weight.data,
      shape: weight.shape,
      ...(bias === undefined ? {} : { bias }),
      strides: f.strides,
      dilations: d,
      pads: own,
      groups,
    },
    [1, f.o, f.out[0], f.out[1]],
  );
  return emitChain(b, y, rng.bool(0.7) ? [bnOp(rng, f.o)] : []);
}

/** DBB's 1x1 -> kxk (or avg pool) branch: a bias-free 1x1, a zero Pad, its bias Add and BN, then the kxk or pool. */
function sequentialBranch(b: RegionBuilder, f: SumFrame): string | undefined {
  const { rng } = b;
  const pool = f.o === f.c && rng.bool(0.3);
  const k = pool ? ([rng.int(1, 3), rng.int(1, 3)] as const) : drawKernel(b);
  const d: Pair = pool ? [1, 1] : rng.bool(0.7) ? f.dilations : [1, 1];
  const pads = padsFor(b, f, k, d);
  if (pads === undefined) return undefined;
  const mid = pool ? f.o : rng.int(1, 8);
  const w1 = randomKernel(rng, [mid, f.c, 1, 1]);
  const input = b.read(f.t, [0, 0, 0, 0], f.mode).input;
  const one = {
    kind: "conv",
    weight: w1.data,
    shape: w1.shape,
    strides: [1, 1],
    dilations: [1, 1],
    groups: 1,
  } as const;
  let y = b.emit({ ...one, input, pads: [0, 0, 0, 0] }, [1, mid, f.size[0], f.size[1]]);
  const [t, l, bo, r] = pads;
  if (pads.some((p) => p > 0))
    y = b.emit({ kind: "pad", input: y, pads, value: 0 }, [1, mid, f.size[0] + t + bo, f.size[1] + l + r]);
  if (rng.bool(0.7))
    y = b.emit({ kind: "affine", input: y, op: "Add", value: drawBias(rng, mid), constFirst: false }, b.shape(y));
  if (rng.bool(0.7)) y = emitChain(b, y, [bnOp(rng, mid)]);
  const zero = [0, 0, 0, 0] as const;
  if (pool) y = b.emit({ kind: "pool", input: y, size: k, strides: f.strides, pads: zero }, [1, f.o, ...f.out]);
  else {
    const w2 = randomKernel(rng, [f.o, mid, k[0], k[1]]);
    const conv = {
      kind: "conv",
      weight: w2.data,
      shape: w2.shape,
      strides: f.strides,
      dilations: d,
      groups: 1,
    } as const;
    y = b.emit({ ...conv, input: y, pads: zero }, [1, f.o, ...f.out]);
  }
  return emitChain(b, y, rng.bool(0.6) ? [bnOp(rng, f.o)] : []);
}

/** An avg pool (count_include_pad) (+ BN) branch: in == out channels. */
function poolBranch(b: RegionBuilder, f: SumFrame): string | undefined {
  const size: Pair = [b.rng.int(1, 3), b.rng.int(1, 3)];
  const want = padsFor(b, f, size, [1, 1]);
  if (want === undefined || f.c !== f.o) return undefined;
  const { input, pads } = b.read(f.t, want, f.mode);
  const y = b.emit({ kind: "pool", input, size, strides: f.strides, pads }, [1, f.o, ...f.out]);
  return emitChain(b, y, b.rng.bool(0.5) ? [bnOp(b.rng, f.o)] : []);
}

/** True when the windows wider than 1 along axis k (convs, pools) have different dilations. */
function mixed(ops: readonly RegionOp[], k: number): boolean {
  const seen = new Set<number>();
  for (const op of ops) {
    if (op.kind === "conv" && op.shape[2 + k]! > 1) seen.add(op.dilations[k]!);
    if (op.kind === "pool" && op.size[k]! > 1) seen.add(1);
  }
  return seen.size > 1;
}

/**
 * A sum of 2..4 branches over `t` with one output geometry: conv (+ BN)
 * branches of any kernel, pads and groups (dilation mostly the main
 * branch's), identity and BN on the input, avg pool, DBB's 1x1 -> kxk; an
 * Add chain, a Sum node, or a Sub of two; then BN and affines. `info` says
 * what the branches hold.
 */
export function sumUnit(b: RegionBuilder, t: string, mode: PadMode, info: SumInfo): string {
  const { rng } = b;
  const from = b.ops.length;
  const [, c, h, w] = b.shape(t) as [number, number, number, number];
  const o = rng.bool(0.55) ? c : rng.int(1, 8);
  const strides = drawStride(rng);
  const k = drawKernel(b);
  const dh = rng.bool(0.2) ? 2 : 1;
  const valid = mode === "exact" && !b.canPad(t) && rng.bool(0.5);
  const gh = drawAxis(rng, h, strides[0], k[0], dh, valid);
  const gw = drawAxis(rng, w, strides[1], k[1], rng.bool(0.8) ? dh : 3 - dh, valid);
  const f: SumFrame = { t, c, o, size: [h, w], strides, out: [gh.out, gw.out], dilations: [gh.d, gw.d], mode };
  const main: Pads4 = [gh.before, gw.before, gh.after, gw.after];
  const outs = [convBranch(b, f, k, f.dilations, main)!];
  info.seq = false;
  info.mixedDilation = false;
  info.dilatedSeq = false;
  const identity = c === o && strides.every((s) => s === 1) && gh.out === h && gw.out === w;
  for (let n = rng.int(1, 3); n > 0; n--) {
    const kind = rng.weighted([
      ["conv", 0.45],
      ["identity", identity ? 0.2 : 0],
      ["pool", c === o ? 0.1 : 0],
      ["seq", b.pending.length === 0 ? 0.2 : 0],
    ] as const);
    let y: string | undefined;
    if (kind === "identity") y = emitChain(b, b.read(t, [0, 0, 0, 0], mode).input, rng.bool(0.5) ? [bnOp(rng, c)] : []);
    else if (kind === "pool") y = poolBranch(b, f);
    else if (kind === "seq") {
      y = sequentialBranch(b, f);
      const last = b.ops[b.ops.length - 1]!;
      const kxk = last.kind === "bn" ? b.ops[b.ops.length - 2]! : last;
      if (y !== undefined && kxk.kind === "conv" && kxk.dilations.some((d, k) => d > 1 && kxk.shape[2 + k]! > 1))
        info.dilatedSeq = true;
    } else y = convBranch(b, f, drawKernel(b), rng.bool(0.8) ? f.dilations : [1, 1]);
    if (kind === "seq" && y !== undefined) info.seq = true;
    // A branch that cannot give the sum's output is drawn again as a conv of the main branch's geometry.
    outs.push(y ?? convBranch(b, f, k, f.dilations, main)!);
  }
  info.mixedDilation = [0, 1].some((k) => mixed(b.ops.slice(from), k));
  const sum =
    outs.length === 2 && rng.bool(0.2)
      ? b.emit({ kind: "diff", inputs: [outs[0]!, outs[1]!] }, b.shape(outs[0]!))
      : b.emit({ kind: "sum", inputs: outs, node: rng.bool(0.3) ? "sum" : "add" }, b.shape(outs[0]!));
  return emitChain(b, sum, tailOps(rng, o, 0.4));
}
