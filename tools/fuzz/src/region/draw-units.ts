import { randomKernel, randomVector } from "../_random-values.js";
import type { NewOp, PadMode, RegionBuilder } from "./region-builder.js";
import { affineOp, bnOp, drawAxis, drawBias, drawGroups, drawStride, emitChain, tailOps } from "./draw-ops.js";

/**
 * A conv unit over `t` ([1, C, H, W]): one Conv of a random geometry (kernel
 * 1..5, non-square, stride 1..2, dilation 1..2, groups up to depthwise,
 * symmetric or not pads), bias, then BN and affines. With `deferred`, the
 * conv is written without its bias and the bias Add, BN and affines are put
 * in `deferred` for the next unit to apply after its Pad: DBB's and ECBSR's
 * bias-valued frame. `framed`: the next unit is linear over it (a sequence).
 */
export function convUnit(b: RegionBuilder, t: string, mode: PadMode, deferred?: NewOp[], framed = false): string {
  const { rng } = b;
  // Before a unit that pads: often a 1x1 (whose output a frame can extend exactly), a uniform bias, fewer BNs.
  const one = framed && rng.bool(0.7);
  const [, c, h, w] = b.shape(t) as [number, number, number, number];
  const o = rng.bool(0.3) ? c : rng.int(1, 8);
  const groups = drawGroups(rng, c, o);
  const strides = drawStride(rng);
  const kh = one || rng.bool(0.25) ? 1 : rng.int(1, 5);
  const kw = one ? 1 : rng.bool(0.3) ? rng.int(1, 5) : kh;
  const dh = rng.bool(0.2) ? 2 : 1;
  const dw = rng.bool(0.2) ? 2 : dh;
  // Where no frame can be exact, an exact chain goes on through a conv that does not pad.
  const valid = mode === "exact" && !b.canPad(t) && rng.bool(0.6);
  const gh = drawAxis(rng, h, strides[0], kh, dh, valid);
  const gw = drawAxis(rng, w, strides[1], kw, dw, valid);
  const { input, pads } = b.read(t, [gh.before, gw.before, gh.after, gw.after], mode);
  const weight = randomKernel(rng, [o, c / groups, kh, kw]);
  const bias = rng.bool(0.5) ? drawBias(rng, o, framed ? 0.5 : 0.25) : undefined;
  const tail = tailOps(rng, o, framed ? 0.3 : 0.6);
  const defer = deferred !== undefined && (bias !== undefined || tail.length > 0);
  const y = b.emit(
    {
      kind: "conv",
      input,
      weight: weight.data,
      shape: weight.shape,
      ...(bias === undefined || defer ? {} : { bias }),
      strides,
      dilations: [dh, dw],
      pads,
      groups,
    },
    [1, o, gh.out, gw.out],
  );
  if (!defer) return emitChain(b, y, tail);
  deferred.length = 0;
  if (bias !== undefined) deferred.push({ kind: "affine", input: "", op: "Add", value: bias, constFirst: false });
  deferred.push(...tail);
  return y;
}

/** A pointwise unit over `t` (any rank): a BN, one or two affines, or both. */
export function pointwiseUnit(b: RegionBuilder, t: string): string {
  const { rng } = b;
  const c = b.shape(t)[1]!;
  const ops: NewOp[] = [];
  if (rng.bool(0.6)) ops.push(bnOp(rng, c));
  if (ops.length === 0 || rng.bool(0.35)) for (let i = rng.int(1, 2); i > 0; i--) ops.push(affineOp(rng, c));
  return emitChain(b, b.read(t, [0, 0, 0, 0], "zero").input, ops);
}

/** One Linear op over [N, C] (Gemm or MatMul spelling), `o` outputs. */
function linearOp(b: RegionBuilder, t: string, o: number): string {
  const { rng } = b;
  const [n, c] = b.shape(t) as [number, number];
  const scale = rng.bool(0.5) ? 1 : 1 / Math.sqrt(c);
  const bias = rng.bool(0.5) ? drawBias(rng, o) : undefined;
  return b.emit(
    {
      kind: "linear",
      input: t,
      weight: randomVector(rng, o * c, scale),
      shape: [o, c],
      ...(bias === undefined ? {} : { bias }),
      spelling: rng.pick(["gemm", "gemm-t", "matmul"] as const),
    },
    [n, o],
  );
}

/** A Linear unit over [N, C]: Gemm / MatMul, then BN and affines. */
export function linearUnit(b: RegionBuilder, t: string): string {
  const { rng } = b;
  const c = b.shape(t)[1]!;
  const o = rng.bool(0.3) ? c : rng.int(1, 8);
  return emitChain(b, linearOp(b, t, o), tailOps(rng, o, 0.6));
}

/** A sum of 2..3 branches over [N, C]: Linear (+ BN), identity or BN when C == O; then BN and affines. */
export function linearSumUnit(b: RegionBuilder, t: string): string {
  const { rng } = b;
  const c = b.shape(t)[1]!;
  const o = rng.bool(0.5) ? c : rng.int(1, 8);
  const outs: string[] = [];
  for (let i = rng.int(2, 3); i > 0; i--) {
    if (o === c && outs.length > 0 && rng.bool(0.4)) outs.push(rng.bool(0.5) ? t : emitChain(b, t, [bnOp(rng, c)]));
    else outs.push(emitChain(b, linearOp(b, t, o), rng.bool(0.5) ? [bnOp(rng, o)] : []));
  }
  const sum = b.emit({ kind: "sum", inputs: outs, node: rng.bool(0.3) ? "sum" : "add" }, b.shape(outs[0]!));
  return emitChain(b, sum, tailOps(rng, o, 0.4));
}
