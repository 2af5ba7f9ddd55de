import { randomArray, randomBatchNorm, randomFloat32 } from "@reparam/test-utils";
import type { BatchNorm, Branch, ConvBranch, Pads, Pair } from "../src/index.js";

/** A conv branch with random float32 weights, optional bias and BN. */
export function convBranch(
  rand: () => number,
  o: number,
  c: number,
  kh: number,
  kw: number,
  opts: {
    stride?: Pair;
    pads?: Pads;
    dilation?: Pair;
    groups?: number;
    bn?: boolean;
    bias?: boolean;
    eps?: number;
  } = {},
): ConvBranch {
  const g = opts.groups ?? 1;
  const kernel = { data: randomFloat32(rand, o * (c / g) * kh * kw), shape: [o, c / g, kh, kw] as const };
  return {
    kind: "conv",
    kernel,
    stride: opts.stride ?? [1, 1],
    pads: opts.pads ?? [(kh - 1) >> 1, (kw - 1) >> 1, (kh - 1) >> 1, (kw - 1) >> 1],
    dilation: opts.dilation ?? [1, 1],
    groups: g,
    ...(opts.bias ? { bias: randomFloat32(rand, o) } : {}),
    ...(opts.bn === false ? {} : { bn: randomBatchNorm(rand, o, opts.eps) }),
  };
}

/** An identity branch, with a BN unless `bare`. */
export function identityBranch(rand: () => number, c: number, bare = false, eps?: number): Branch {
  return bare ? { kind: "identity" } : { kind: "identity", bn: randomBatchNorm(rand, c, eps) };
}

/** A random NCHW input. */
export function randomInput(rand: () => number, n: number, c: number, h: number, w: number) {
  return { data: randomArray(rand, n * c * h * w), shape: [n, c, h, w] as const };
}

/** A BN with given eps. */
export function bn(rand: () => number, c: number, eps = 1e-5): BatchNorm {
  return randomBatchNorm(rand, c, eps);
}
