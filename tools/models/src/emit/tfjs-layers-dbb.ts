// DBB's composite branches as Keras layers. A BNAndPadLayer is written as
// ZeroPadding2D then BatchNormalization: BN(pad0(y)) = BNAndPad(y) exactly
// (the BN maps each zero of the border to beta - mean * gamma / sqrt(var + eps)).
import type { ArchBlock, AvgBranch, SequentialBranch } from "../arch/arch.js";
import { bnAndPadBn } from "../arch/dbb-block.js";
import { identityBasedKernel } from "../weights/identity-based-kernel.js";
import * as k from "./_keras-layers.js";
import { type TfjsLayersContext, layerName } from "./tfjs-layers-context.js";

/** BNAndPad at `path` over `y` (channels `c`): ZeroPadding2D (`<path>_pad`) then the BN (`<path>_bn`). */
function bnAndPad(
  ctx: TfjsLayersContext,
  y: string,
  path: string,
  c: number,
  kernel: readonly [number, number],
): string {
  const pad = `${layerName(path)}_pad`;
  ctx.layers.push(k.zeroPadding(pad, y, kernel[0] >> 1, kernel[1] >> 1));
  return ctx.batchNorm(pad, bnAndPadBn(path), c);
}

/**
 * `dbb_1x1_kxk`: Conv2D 1x1 (no bias; `idconv1`'s kernel stored as weight +
 * identity, a layers model having no IdentityBasedConv1x1), BNAndPad, Conv2D
 * kxk `valid` at the block's stride, BatchNormalization. Groups 1 only.
 */
export function sequentialLayers(ctx: TfjsLayersContext, x: string, b: ArchBlock, br: SequentialBranch): string {
  const m = br.internal;
  const first = { ...b, outChannels: m, stride: 1 };
  const kernel = br.identityBased ? (v: Float32Array) => identityBasedKernel(v, m, b.groups) : undefined;
  const y = ctx.conv(
    x,
    first,
    { kind: "conv", kernel: [1, 1], conv: br.first, bias: false },
    kernel === undefined ? {} : { kernel },
  );
  const h = bnAndPad(ctx, y, br.bnAndPad, m, br.kernel);
  const c2 = ctx.conv(
    h,
    { ...b, inChannels: m },
    { kind: "conv", kernel: br.kernel, conv: br.second, bias: false },
    { valid: true },
  );
  return ctx.batchNorm(c2, br.secondBn, b.outChannels);
}

/** `dbb_avg` (groups 1, so with its 1x1): Conv2D 1x1, BNAndPad, AveragePooling2D `valid` at the block's stride, `avgbn`. */
export function avgLayers(ctx: TfjsLayersContext, x: string, b: ArchBlock, br: AvgBranch): string {
  const y = ctx.conv(x, { ...b, stride: 1 }, { kind: "conv", kernel: [1, 1], conv: br.conv!, bias: false });
  const h = bnAndPad(ctx, y, br.bnAndPad!, b.outChannels, br.kernel);
  const pool = layerName(`${br.bn.slice(0, br.bn.lastIndexOf("."))}.avg`);
  ctx.layers.push(k.averagePooling(pool, h, br.kernel, b.stride));
  return ctx.batchNorm(pool, br.bn, b.outChannels);
}
