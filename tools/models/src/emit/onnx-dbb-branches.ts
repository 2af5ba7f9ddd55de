// DBB's composite branches as ONNX nodes. A BNAndPadLayer (BN, then pad
// with the BN's output for a zero input) is written as a zero Pad followed
// by the BatchNormalization: BN(Pad0(y)) is exactly BNAndPad(y), since the
// BN maps each zero of the border to beta - mean * gamma / sqrt(var + eps),
// the value BNAndPad writes there. (torch.onnx.export writes BNAndPad's four
// slice assignments as ScatterND chains instead; ONNX Pad has no per-channel
// constant.)
import { type NodeSpec, intAttr, intsAttr, makeTensor, stringAttr, tensorAttr } from "@reparam/onnx";
import type { ArchBlock, AvgBranch, SequentialBranch } from "../arch/arch.js";
import { bnAndPadBn } from "../arch/dbb-block.js";
import { identityBasedKernel } from "../weights/identity-based-kernel.js";
import { convTensors } from "../weights/state-dict-tensors.js";
import type { TensorSpec } from "../weights/tensor-spec.js";
import { floatValues, valueBytes } from "../weights/tensor-values.js";
import { type OnnxGraphContext, convAttrs } from "./onnx-graph-context.js";
import type { OnnxVariant } from "./onnx-variant.js";

/** A `Constant` node in the scope of `path` holding `data`; returns its output. */
function constant(
  ctx: OnnxGraphContext,
  path: string,
  dims: readonly number[],
  data: Float32Array | BigInt64Array,
): string {
  const value = makeTensor("", dims, data instanceof BigInt64Array ? 7 : 1, valueBytes(data));
  return ctx.node(path, "Constant", [], { value: tensorAttr(value) });
}

/** BNAndPad at `path` over `y` (channels `c`, pads `p`): `Pad` (zeros) then `BatchNormalization`. */
function bnAndPad(ctx: OnnxGraphContext, y: string, path: string, c: number, p: readonly [number, number]): string {
  const pads = constant(ctx, path, [8], BigInt64Array.from([0, 0, p[0], p[1], 0, 0, p[0], p[1]].map(BigInt)));
  return ctx.batchNorm(ctx.node(path, "Pad", [y, pads], { mode: stringAttr("constant") }), bnAndPadBn(path), c);
}

/**
 * `dbb_1x1_kxk`: Conv 1x1 (its kernel for `idconv1`: in the train form
 * `Add(weight, Constant identity)` as an export without constant folding
 * writes it; folded, one `onnx::Conv_<n>` holding weight + identity),
 * BNAndPad, Conv kxk without pads at the block's stride, then `bn2`
 * (BatchNormalization; folded into the kxk Conv in the folded form).
 */
export function sequentialNodes(
  ctx: OnnxGraphContext,
  x: string,
  b: ArchBlock,
  br: SequentialBranch,
  variant: OnnxVariant,
): string {
  const g = b.groups;
  const [w1] = convTensors(br.first, [br.internal, b.inChannels / g, 1, 1], false) as [TensorSpec];
  let k1: string;
  if (!br.identityBased) k1 = ctx.tensor(w1);
  else if (variant === "folded")
    k1 = ctx.derived(ctx.foldedName(), w1.shape, () => identityBasedKernel(floatValues(w1, ctx.seed), br.internal, g));
  else {
    const eye = identityBasedKernel(new Float32Array(br.internal * (b.inChannels / g)), br.internal, g);
    k1 = ctx.node(br.first, "Add", [ctx.tensor(w1), constant(ctx, br.first, w1.shape, eye)]);
  }
  const y1 = ctx.node(br.first, "Conv", [x, k1], convAttrs([1, 1], 1, [0, 0], g));
  const h = bnAndPad(ctx, y1, br.bnAndPad, br.internal, [br.kernel[0] >> 1, br.kernel[1] >> 1]);
  const second = { kind: "conv", kernel: br.kernel, conv: br.second, bias: false, bn: br.secondBn } as const;
  if (variant === "folded") return ctx.foldedConv(h, b, second, br.internal / g, [0, 0]);
  const [w2] = convTensors(br.second, [b.outChannels, br.internal / g, ...br.kernel], false) as [TensorSpec];
  const y2 = ctx.node(br.second, "Conv", [h, ctx.tensor(w2)], convAttrs(br.kernel, b.stride, [0, 0], g));
  return ctx.batchNorm(y2, br.secondBn, b.outChannels);
}

/**
 * `dbb_avg`: with its 1x1, Conv 1x1 -> BNAndPad -> AveragePool (no pads,
 * the block's stride); without, AveragePool with pads k // 2 over the
 * input; count_include_pad = 1 either way (PyTorch's default); then `avgbn`.
 * The same in the train and folded forms (no conv is directly followed by a BN).
 */
export function avgNodes(ctx: OnnxGraphContext, x: string, b: ArchBlock, br: AvgBranch): string {
  const [kh, kw] = br.kernel;
  let y = x;
  let pads: readonly [number, number] = [kh >> 1, kw >> 1];
  if (br.conv !== undefined) {
    const [w] = convTensors(br.conv, [b.outChannels, b.inChannels / b.groups, 1, 1], false) as [TensorSpec];
    y = ctx.node(br.conv, "Conv", [x, ctx.tensor(w)], convAttrs([1, 1], 1, [0, 0], b.groups));
    y = bnAndPad(ctx, y, br.bnAndPad!, b.outChannels, pads);
    pads = [0, 0];
  }
  const attrs: NodeSpec["attrs"] = {
    ceil_mode: intAttr(0),
    count_include_pad: intAttr(1),
    kernel_shape: intsAttr([kh, kw]),
    pads: intsAttr([pads[0], pads[1], pads[0], pads[1]]),
    strides: intsAttr([b.stride, b.stride]),
  };
  const pooled = ctx.node(`${br.bn.slice(0, br.bn.lastIndexOf("."))}.avg`, "AveragePool", [y], attrs);
  return ctx.batchNorm(pooled, br.bn, b.outChannels);
}
