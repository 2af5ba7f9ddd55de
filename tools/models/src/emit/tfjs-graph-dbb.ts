// DBB's composite branches as TF.js converter-style graph nodes. A
// BNAndPadLayer is a zero `Pad` then the BN (FusedBatchNormV3 or Mul +
// AddV2, as other BNs not after a conv): BN(pad0(y)) = BNAndPad(y) exactly.
import type { ArchBlock, AvgBranch, SequentialBranch } from "../arch/arch.js";
import { bnAndPadBn } from "../arch/dbb-block.js";
import { identityBasedKernel } from "../weights/identity-based-kernel.js";
import { dtypeAttr, intsAttr, sAttr } from "./_graph-attrs.js";
import type { TfjsGraphContext } from "./tfjs-graph-context.js";
import { layerName } from "./tfjs-layers-context.js";

function bnAndPad(
  ctx: TfjsGraphContext,
  y: string,
  path: string,
  c: number,
  kernel: readonly [number, number],
): string {
  return ctx.batchNorm(ctx.pad(y, `${layerName(path)}_pad`, kernel[0] >> 1, kernel[1] >> 1), bnAndPadBn(path), c);
}

/**
 * `dbb_1x1_kxk`: `Conv2D` 1x1 (`idconv1`'s kernel Const holds weight +
 * identity, as a frozen graph does), BNAndPad, then the kxk conv with `bn2`
 * folded in (`_FusedConv2D`, VALID, the block's stride). Groups 1 only.
 */
export function sequentialNodes(ctx: TfjsGraphContext, x: string, b: ArchBlock, br: SequentialBranch): string {
  const m = br.internal;
  const kernel = br.identityBased ? (v: Float32Array) => identityBasedKernel(v, m, b.groups) : undefined;
  const y = ctx.conv(
    x,
    { ...b, outChannels: m, stride: 1 },
    { kind: "conv", kernel: [1, 1], conv: br.first, bias: false },
    kernel === undefined ? {} : { kernel },
  );
  const h = bnAndPad(ctx, y, br.bnAndPad, m, br.kernel);
  return ctx.conv(
    h,
    { ...b, inChannels: m },
    { kind: "conv", kernel: br.kernel, conv: br.second, bias: false, bn: br.secondBn },
    { pad: "none" },
  );
}

/** `dbb_avg` (groups 1, so with its 1x1): `Conv2D` 1x1, BNAndPad, `AvgPool` VALID at the block's stride, `avgbn`. */
export function avgNodes(ctx: TfjsGraphContext, x: string, b: ArchBlock, br: AvgBranch): string {
  const y = ctx.conv(x, { ...b, stride: 1 }, { kind: "conv", kernel: [1, 1], conv: br.conv!, bias: false });
  const h = bnAndPad(ctx, y, br.bnAndPad!, b.outChannels, br.kernel);
  const [kh, kw] = br.kernel;
  const attr = {
    ksize: intsAttr([1, kh, kw, 1]),
    strides: intsAttr([1, b.stride, b.stride, 1]),
    padding: sAttr("VALID"),
    data_format: sAttr("NHWC"),
    T: dtypeAttr("DT_FLOAT"),
  };
  const pool = ctx.op(`${layerName(`${br.bn.slice(0, br.bn.lastIndexOf("."))}.avg`)}/AvgPool`, "AvgPool", [h], attr);
  return ctx.batchNorm(pool, br.bn, b.outChannels);
}
