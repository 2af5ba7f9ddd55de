import { type NodeSpec, floatAttr, intAttr, intsAttr } from "@reparam/onnx";
import type { Arch, ArchBlock, ArchFamily } from "../arch/arch.js";
import { convTensors, linearTensors } from "../weights/state-dict-tensors.js";
import type { LazyTensor } from "./lazy-tensor.js";
import { avgNodes, sequentialNodes } from "./onnx-dbb-branches.js";
import { OnnxGraphContext } from "./onnx-graph-context.js";
import type { OnnxVariant } from "./onnx-variant.js";

export type { OnnxVariant } from "./onnx-variant.js";

/** Nodes (topological order) and initializers of a model, its output named `output`. */
export interface OnnxGraph {
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly LazyTensor[];
}

/** The module the activation is registered as, per family (for node names). */
const ACT_MODULE: Readonly<Record<ArchFamily, string>> = {
  repvgg: "nonlinearity",
  qarepvgg: "nonlinearity",
  mobileone: "activation",
  yolov7: "act",
  acnet: "relu",
  dbb: "nonlinear",
};

/**
 * The ONNX graph of `arch` from input `input` (NCHW): per block, the branches
 * (in order) summed by a chain of Add, then post-sum BN, SE
 * (GlobalAveragePool, Conv, Relu, Conv, Sigmoid, Mul), activation (Relu, or
 * Sigmoid + Mul for SiLU); then GlobalAveragePool, Flatten, Gemm. DBB's
 * 1x1 -> kxk and average branches: see `sequentialNodes` and `avgNodes`.
 */
export function onnxGraph(arch: Arch, variant: OnnxVariant, seed: number): OnnxGraph {
  const ctx = new OnnxGraphContext(seed, arch.bnEps);
  let x = "input";
  for (const b of arch.blocks) x = blockNodes(ctx, b, x, variant, ACT_MODULE[arch.family]);
  if (arch.head !== undefined) {
    const { path, inFeatures, classes } = arch.head;
    const pooled = ctx.node("gap", "GlobalAveragePool", [x]);
    const flat = ctx.node("", "Flatten", [pooled], { axis: intAttr(1) });
    const [w, bias] = linearTensors(path, classes, inFeatures).map((s) => ctx.tensor(s));
    ctx.node(path, "Gemm", [flat, w!, bias!], { alpha: floatAttr(1), beta: floatAttr(1), transB: intAttr(1) });
  }
  const last = ctx.nodes[ctx.nodes.length - 1]!;
  ctx.nodes[ctx.nodes.length - 1] = { ...last, outputs: ["output"] };
  return { nodes: ctx.nodes, initializers: ctx.initializers };
}

function blockNodes(ctx: OnnxGraphContext, b: ArchBlock, x: string, variant: OnnxVariant, act: string): string {
  const outs = b.branches.map((br) => {
    if (br.kind === "identity") return br.bn === undefined ? x : ctx.batchNorm(x, br.bn, b.inChannels);
    if (br.kind === "sequential") return sequentialNodes(ctx, x, b, br, variant);
    if (br.kind === "avg") return avgNodes(ctx, x, b, br);
    if (br.bn === undefined) return ctx.conv(x, b, br);
    if (variant === "folded") return ctx.foldedConv(x, b, { ...br, bn: br.bn });
    return ctx.batchNorm(ctx.conv(x, b, br), br.bn, b.outChannels);
  });
  let y = outs[0]!;
  for (const o of outs.slice(1)) y = ctx.node(b.path, "Add", [y, o]);
  if (b.postBn !== undefined) y = ctx.batchNorm(y, b.postBn, b.outChannels);
  if (b.se !== undefined) {
    const { down, up, channels, reduced } = b.se;
    const se = down.slice(0, down.lastIndexOf("."));
    const [dw, db] = convTensors(down, [reduced, channels, 1, 1], true).map((s) => ctx.tensor(s));
    const [uw, ub] = convTensors(up, [channels, reduced, 1, 1], true).map((s) => ctx.tensor(s));
    const attrs = {
      dilations: intsAttr([1, 1]),
      group: intAttr(1),
      kernel_shape: intsAttr([1, 1]),
      pads: intsAttr([0, 0, 0, 0]),
      strides: intsAttr([1, 1]),
    };
    const pooled = ctx.node(se, "GlobalAveragePool", [y]);
    const d = ctx.node(se, "Relu", [ctx.node(down, "Conv", [pooled, dw!, db!], attrs)]);
    const gate = ctx.node(se, "Sigmoid", [ctx.node(up, "Conv", [d, uw!, ub!], attrs)]);
    y = ctx.node(se, "Mul", [y, gate]);
  }
  const actPath = `${b.path}.${act}`;
  if (b.activation === "relu") y = ctx.node(actPath, "Relu", [y]);
  if (b.activation === "silu") y = ctx.node(actPath, "Mul", [y, ctx.node(actPath, "Sigmoid", [y])]);
  return y;
}
