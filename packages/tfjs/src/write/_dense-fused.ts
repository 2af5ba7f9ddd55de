import type { FusePlan } from "@reparam/core";
import { textBase64 } from "../codec/_base64.js";
import type { NodeDefJson } from "../codec/graph-topology.js";
import type { KerasLayerJson } from "../codec/layers-topology.js";
import type { FusedLayers } from "./_keras-fused-layers.js";
import type { FusedTfjsWeight } from "./fused-tfjs-weight.js";

// Keys that tie a layer to the model's input; never copied from a template.
const INPUT_KEYS = new Set(["batch_input_shape", "batch_shape", "input_shape", "input_dim"]);

const GRAPH_CONVS = new Set(["Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);

/**
 * True when a graph block's convs are all Linears (`MatMul` / `_FusedMatMul`
 * read as 1x1 convs): it is written back as one. A block that also holds a
 * conv reads an NHWC tensor (a MatMul over its channels) and is written as a conv.
 */
export const isDenseGraphBlock = (nodes: readonly NodeDefJson[]): boolean =>
  nodes.some((n) => n.op === "MatMul" || n.op === "_FusedMatMul") && !nodes.some((n) => GRAPH_CONVS.has(n.op));

/** True when a layers block's convs are all `Dense` layers (read as 1x1 convs): it is written back as one (see {@link isDenseGraphBlock}). */
export const isDenseLayersBlock = (layers: readonly KerasLayerJson[]): boolean =>
  layers.some((l) => l.class_name === "Dense") &&
  !layers.some((l) => l.class_name === "Conv2D" || l.class_name === "DepthwiseConv2D");

/** A fused 1x1 kernel's weight, HWIO `[1, 1, in, out]`, as the `[in, out]` kernel of a MatMul or Dense (same bytes). */
export function denseWeights([kernel, bias]: [FusedTfjsWeight, FusedTfjsWeight]): [FusedTfjsWeight, FusedTfjsWeight] {
  return [{ ...kernel, shape: kernel.shape.slice(2) }, bias];
}

/**
 * The node a fused Linear becomes: `_FusedMatMul` with fused_ops `[BiasAdd]`
 * reading `[input, kernel [in, out], bias]`, neither side transposed;
 * attributes start from a removed `_FusedMatMul` when there is one.
 */
export function fusedMatMulNode(
  names: { node: string; input: string; kernel: string; bias: string },
  template: readonly NodeDefJson[],
): NodeDefJson {
  const like = template.find((n) => n.op === "_FusedMatMul")?.attr ?? { T: { type: "DT_FLOAT" } };
  return {
    name: names.node,
    op: "_FusedMatMul",
    input: [names.input, names.kernel, names.bias],
    attr: {
      ...like,
      transpose_a: { b: false },
      transpose_b: { b: false },
      fused_ops: { list: { s: [textBase64("BiasAdd")] } },
      num_args: { i: "1" },
      epsilon: like.epsilon ?? { f: 0 },
    },
  };
}

/**
 * The layer a fused Linear becomes: a `Dense` of `units` = the fused
 * kernel's outputs, `use_bias`, linear activation, its config starting from
 * a removed `Dense` (initializers, dtype, ...). See `kerasFusedLayers` for `inbound`.
 */
export function kerasFusedDense(
  plan: FusePlan,
  name: string,
  template: readonly KerasLayerJson[],
  inbound: (from: string | undefined) => unknown[] | undefined,
): FusedLayers {
  const like = template.find((l) => l.class_name === "Dense")?.config ?? {};
  const base = Object.fromEntries(Object.entries(like).filter(([k]) => !INPUT_KEYS.has(k)));
  const nodes = inbound(undefined);
  const config = { trainable: true, ...base, name, units: plan.kernelShape[0], activation: "linear", use_bias: true };
  return {
    layers: [{ name, class_name: "Dense", config, ...(nodes ? { inbound_nodes: nodes } : {}) }],
    kernelName: "kernel",
  };
}
