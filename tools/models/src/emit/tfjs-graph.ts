import type { NodeDefJson } from "@reparam/tfjs";
import type { Arch, ArchBlock } from "../arch/arch.js";
import { linearTensors } from "../weights/state-dict-tensors.js";
import type { TensorSpec } from "../weights/tensor-spec.js";
import { dtypeAttr, tensorShape } from "./_graph-attrs.js";
import type { LazyWeight } from "./lazy-weight.js";
import { checkTfjsDbb } from "./_dbb-unsupported.js";
import { avgNodes, sequentialNodes } from "./tfjs-graph-dbb.js";
import { TfjsGraphContext } from "./tfjs-graph-context.js";
import { layerName } from "./tfjs-layers-context.js";

/** Nodes (Consts, then the input, then ops in topological order) and weights (Const order) of a TF.js graph model. */
export interface TfjsGraph {
  readonly nodes: NodeDefJson[];
  readonly weights: LazyWeight[];
  /** The input Placeholder (`input_1`) and the output node (`Identity`). */
  readonly input: string;
  readonly output: string;
}

/**
 * The TF.js graph-model form of `arch` (NHWC), as the TF.js converter writes
 * a train-time Keras net in inference mode: per block, each conv+BN branch
 * one `_FusedConv2D` (depthwise: `FusedDepthwiseConv2dNative`) with
 * fused_ops BiasAdd and the BN folded in, strided padded convs after an
 * explicit `Pad` (VALID); identity and post-sum BNs alternately as
 * `FusedBatchNormV3` and `Mul` + `AddV2`; an `AddV2` chain, SE (Mean, conv
 * BiasAdd+Relu, conv BiasAdd, Sigmoid, Mul), `Relu` (SiLU: Sigmoid + Mul);
 * then Mean over H, W and `_FusedMatMul` (BiasAdd); output `Identity`.
 * DBB blocks: see `sequentialNodes` and `avgNodes`. A deploy-form `arch`
 * gives what `tfjsAdapter` writes for a converted model: one conv with
 * BiasAdd per block reading the block input, padding SAME, VALID or
 * EXPLICIT (no `Pad`) as the adapter spells it, the activation after it.
 *
 * @throws ReparamError `MODELS_UNSUPPORTED` for grouped (not depthwise)
 *   convs, and grouped or depthwise DBB blocks.
 */
export function tfjsGraph(arch: Arch, seed: number, size: number): TfjsGraph {
  const ctx = new TfjsGraphContext(`StatefulPartitionedCall/${arch.name.replaceAll("-", "_")}`, seed, arch.bnEps);
  const input = "input_1";
  const placeholder = {
    name: input,
    op: "Placeholder",
    attr: { dtype: dtypeAttr("DT_FLOAT"), shape: { shape: tensorShape([-1, size, size, arch.inChannels]) } },
  };
  let x = input;
  let h = size;
  for (const b of arch.blocks) {
    x = block(ctx, b, x, arch.form === "deploy", h);
    h = Math.floor((h - 1) / b.stride) + 1;
  }
  if (arch.head !== undefined) {
    const { path, inFeatures, classes } = arch.head;
    const L = layerName(path);
    const [w, bias] = linearTensors(path, classes, inFeatures) as [TensorSpec, TensorSpec];
    // Linear [out, in] -> MatMul [in, out].
    const transpose = (v: Float32Array) =>
      Float32Array.from({ length: v.length }, (_, i) => v[(i % classes) * inFeatures + Math.floor(i / classes)]!);
    const k = ctx.tensor(`${L}/MatMul/ReadVariableOp`, w, [inFeatures, classes], transpose);
    const bb = ctx.tensor(`${L}/BiasAdd/ReadVariableOp`, bias);
    const attr = {
      transpose_a: { b: false },
      transpose_b: { b: false },
      fused_ops: { list: { s: [btoa("BiasAdd")] } },
      num_args: { i: "1" },
      epsilon: { f: 0 },
      leakyrelu_alpha: { f: 0.2 },
    };
    x = ctx.op(`${L}/BiasAdd`, "_FusedMatMul", [ctx.mean(x, "gap", false), k, bb], attr);
  }
  const output = ctx.op("Identity", "Identity", [x]);
  return { nodes: [...ctx.consts, placeholder, ...ctx.ops], weights: ctx.weights, input, output };
}

function block(ctx: TfjsGraphContext, b: ArchBlock, x: string, deploy: boolean, size: number): string {
  const L = layerName(b.path);
  if (b.branches.some((br) => br.kind === "sequential" || br.kind === "avg")) checkTfjsDbb(b, "tfjs-graph");
  const outs = b.branches.map((br) => {
    if (br.kind === "identity") return br.bn === undefined ? x : ctx.batchNorm(x, br.bn, b.inChannels);
    if (br.kind === "sequential") return sequentialNodes(ctx, x, b, br);
    if (br.kind === "avg") return avgNodes(ctx, x, b, br);
    return ctx.conv(x, b, br, deploy ? { pad: "attr", size } : {});
  });
  let y = outs[0]!;
  outs.slice(1).forEach((o, i) => (y = ctx.op(`${L}_add/add${i === 0 ? "" : `_${i}`}`, "AddV2", [y, o])));
  if (b.postBn !== undefined) y = ctx.batchNorm(y, b.postBn, b.outChannels);
  if (b.se !== undefined) {
    const { down, up, channels, reduced } = b.se;
    const one = (cin: number, cout: number): ArchBlock => ({
      ...b,
      inChannels: cin,
      outChannels: cout,
      stride: 1,
      groups: 1,
    });
    const pooled = ctx.mean(y, `${L}_se_pool`, true);
    const d = ctx.conv(
      pooled,
      one(channels, reduced),
      { kind: "conv", kernel: [1, 1], conv: down, bias: true },
      { extra: ["Relu"] },
    );
    const u = ctx.conv(d, one(reduced, channels), { kind: "conv", kernel: [1, 1], conv: up, bias: true });
    y = ctx.op(`${L}_se_mul/mul`, "Mul", [y, ctx.op(`${L}_se_sigmoid/Sigmoid`, "Sigmoid", [u])]);
  }
  if (b.activation === "relu") return ctx.op(`${L}_act/Relu`, "Relu", [y]);
  if (b.activation === "silu") return ctx.op(`${L}_act/mul`, "Mul", [y, ctx.op(`${L}_act/Sigmoid`, "Sigmoid", [y])]);
  return y;
}
