// Small architectures of every family and option, for fast tests (32x32 inputs, 10 classes).
import type { Arch } from "../src/arch/arch.js";
import { acnetArch } from "../src/arch/acnet.js";
import { dbbArch } from "../src/arch/dbb.js";
import { architecture } from "../src/arch/architectures.js";
import { mobileOneArch } from "../src/arch/mobileone.js";
import { repvggArch } from "../src/arch/repvgg.js";
import { yolov7RepconvArch } from "../src/arch/yolov7-repconv.js";

const tiny = { name: "", widths: [16, 32], stem: 16, classes: 10, inputSize: 32 } as const;

/** One small architecture per family and option, by a readable name. */
export const SMALL_ARCHS: Readonly<Record<string, Arch>> = {
  "repvgg-sample": architecture("repvgg-sample"),
  "repvgg-timm": architecture("repvgg-sample", { naming: "timm" }),
  "repvgg-se": repvggArch({ depths: [1, 2], a: 1, b: 1, se: true }, { ...tiny, name: "repvgg-se" }),
  "repvgg-g2": repvggArch({ depths: [2, 2], a: 1, b: 1, groups: 2 }, { ...tiny, name: "repvgg-g2" }),
  qarepvgg: repvggArch({ depths: [2, 2], a: 1, b: 1 }, { ...tiny, name: "qarepvgg", quantAware: true }),
  mobileone: mobileOneArch(
    { widths: [0.25, 0.25, 0.25, 0.125], branches: 4, se: true, depths: [1, 1, 2, 1] },
    { name: "mobileone", classes: 10, inputSize: 32 },
  ),
  "mobileone-timm": mobileOneArch(
    { widths: [0.25, 0.25, 0.25, 0.125], branches: 2, depths: [1, 1, 1, 1] },
    { name: "mobileone-timm", classes: 10, inputSize: 32, naming: "timm" },
  ),
  acnet: acnetArch({ name: "acnet", stem: 8, widths: [16, 32], depths: [2, 2], classes: 10, inputSize: 32 }),
  dbb: architecture("dbb-sample"),
  // A depthwise block (stage1.1: no dbb_1x1, the pool over the input, conv1 to 2x channels) and a grouped one.
  "dbb-dw": dbbArch(
    { depths: [2, 1], widths: [16, 32], stem: 16, groups: "depthwise" },
    { name: "dbb-dw", classes: 10, inputSize: 32 },
  ),
  "dbb-g2": dbbArch(
    { depths: [2, 2], widths: [16, 32], stem: 8, groups: 2 },
    { name: "dbb-g2", classes: 10, inputSize: 32 },
  ),
  yolov7: yolov7RepconvArch({
    name: "yolov7",
    layers: [
      [8, 2],
      [16, 2],
      [16, 1],
    ],
    inputSize: 32,
  }),
};

/** A deterministic NCHW input in [-1, 1). */
export function sampleInput(channels: number, size: number): Float32Array {
  const x = new Float32Array(channels * size * size);
  for (let i = 0; i < x.length; i++) x[i] = (((i * 2654435761) >>> 0) / 4294967296) * 2 - 1;
  return x;
}

/** NCHW (batch 1) to NHWC. */
export function nchwToNhwc(x: Float32Array, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let ci = 0; ci < c; ci++)
    for (let y = 0; y < h; y++) for (let xi = 0; xi < w; xi++) out[(y * w + xi) * c + ci] = x[(ci * h + y) * w + xi]!;
  return out;
}

export { relativeError } from "@reparam/test-utils";

/** Byte equality, fast (vitest's deep equality walks a typed array element by element). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
