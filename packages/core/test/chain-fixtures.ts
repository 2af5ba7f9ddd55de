import { conv2d, padTensor, randomArray, seededRandom, type Tensor4 } from "@reparam/test-utils";
import { expect } from "vitest";
import type { Pads, Pair } from "../src/block/block.js";
import { type ChainStage, type ComposedChain, composeChain } from "../src/branch/sequential/compose-chain.js";

// The chain run as it is written (each conv reads its input padded with its frame) against the one fused conv
// over x padded with zeros, both naive float64 convolutions, on random inputs, borders included. Tolerance:
// 1e-12 x max|output| (two float64 summation orders of at most a few thousand terms of size ~1).
export const TOL = 1e-12;

/** One conv of a test chain: output channels, kernel extent and geometry. */
export interface StageSpec {
  readonly o: number;
  readonly k: Pair;
  readonly stride?: Pair;
  readonly dilation?: Pair;
  readonly groups?: number;
  readonly pads?: Pads;
  readonly bias?: boolean;
  /** The frame: "zero", or "bias" (the chain's zero response so far, as ECBSR and DBB's BNAndPad write it). */
  readonly fill?: "zero" | "z";
}

/** The chain's stages with random float64 kernels and biases, over c input channels. */
export function stages(rand: () => number, c: number, specs: readonly StageSpec[]): ChainStage[] {
  const out: ChainStage[] = [];
  let cin = c;
  for (const s of specs) {
    const g = s.groups ?? 1;
    out.push({
      kernel: { data: randomArray(rand, s.o * (cin / g) * s.k[0] * s.k[1]), shape: [s.o, cin / g, s.k[0], s.k[1]] },
      bias: s.bias === false ? new Float64Array(s.o) : randomArray(rand, s.o),
      stride: s.stride ?? [1, 1],
      dilation: s.dilation ?? [1, 1],
      groups: g,
      pads: s.pads ?? [0, 0, 0, 0],
    });
    cin = s.o;
  }
  return out;
}

/** The chain's zero response after each conv, computed on a 1x1 zero image through valid convs. */
export function zeroResponses(st: readonly ChainStage[], c: number): Float64Array[] {
  const z: Float64Array[] = [];
  let cur = new Float64Array(c);
  for (const s of st) {
    const [o, per, kh, kw] = s.kernel.shape;
    const next = new Float64Array(o);
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / (o / s.groups));
      let acc = s.bias[oc]!;
      for (let i = 0; i < per; i++)
        for (let t = 0; t < kh * kw; t++) acc += s.kernel.data[(oc * per + i) * kh * kw + t]! * cur[g * per + i]!;
      next[oc] = acc;
    }
    z.push(next);
    cur = next;
  }
  return z;
}

/** The stages with the frames their specs ask for ("z": the chain's zero response so far). */
export function withFills(st: ChainStage[], specs: readonly StageSpec[], c: number): ChainStage[] {
  const z = zeroResponses(st, c);
  return st.map((s, i) => (specs[i]!.fill === "z" ? { ...s, fill: z[i - 1]! } : s));
}

/** The chain run as written: each conv over its input padded with its frame. */
export function runChain(x: Tensor4, st: readonly ChainStage[]): Tensor4 {
  let cur = x;
  for (const s of st) {
    const f = s.fill;
    const padded = padTensor(cur, s.pads, (ch) => (f === undefined ? 0 : f[ch]!));
    cur = conv2d(padded, { weight: s.kernel, bias: s.bias, stride: s.stride, dilation: s.dilation, groups: s.groups });
  }
  return cur;
}

/** Largest |a - b| and largest |a| (shapes must agree). */
export function maxDiff(a: Tensor4, b: Tensor4): { diff: number; scale: number } {
  expect(b.shape).toEqual(a.shape);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    diff = Math.max(diff, Math.abs(a.data[i]! - b.data[i]!));
    scale = Math.max(scale, Math.abs(a.data[i]!));
  }
  return { diff, scale };
}

/** The fused conv on x: its stride, pads, dilation and groups. */
export const runFused = (x: Tensor4, f: ComposedChain) =>
  conv2d(x, {
    weight: f.kernel,
    bias: f.bias,
    stride: f.stride,
    pads: f.pads,
    dilation: f.dilation,
    groups: f.groups,
  });

/** Composes the chain from `specs` over c channels and checks it against the chain run conv by conv on two input sizes (within TOL x max|y|); returns the fused conv. */
export function expectExact(c: number, specs: readonly StageSpec[], size: Pair, seed: number): ComposedChain {
  const rand = seededRandom(seed);
  const st = withFills(stages(rand, c, specs), specs, c);
  const fused = composeChain(st, "chain", size);
  if ("reason" in fused) throw new Error(`${fused.reason}: ${fused.message}`);
  for (const [h, w] of [size, [size[0] + 1, size[1] + 3]] as const) {
    const x: Tensor4 = { data: randomArray(rand, 2 * c * h * w), shape: [2, c, h, w] };
    const { diff, scale } = maxDiff(runChain(x, st), runFused(x, composeChain(st, "chain") as ComposedChain));
    expect(diff).toBeLessThanOrEqual(TOL * scale);
  }
  return fused;
}
