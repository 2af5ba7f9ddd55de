import type { FusePlan, Pair } from "@reparam/core";
import { textBase64 } from "../codec/_base64.js";
import { isDepthwise } from "./_fused-weights.js";
import { tfPadMode } from "../view/_tf-padding.js";
import type { AttrValueJson, NodeDefJson } from "../codec/graph-topology.js";

const ints = (v: readonly number[]): AttrValueJson => ({ list: { i: v.map(String) } });

/** A `Const` node whose value is in the weights manifest under its name (float32, shape as given). */
export function constNode(name: string, shape: readonly number[]): NodeDefJson {
  return {
    name,
    op: "Const",
    attr: {
      value: { tensor: { dtype: "DT_FLOAT", tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } },
      dtype: { type: "DT_FLOAT" },
    },
  };
}

/**
 * The node a fused conv becomes: `_FusedConv2D`, or
 * `FusedDepthwiseConv2dNative` when depthwise, with `fused_ops [BiasAdd]`,
 * reading `[input, kernel, bias]`; padding SAME or VALID when exact for the
 * input size, else EXPLICIT with `explicit_paddings` (NHWC pairs). Attributes
 * start from a removed conv of the same op when there is one.
 */
export function fusedConvNode(
  conv: FusePlan,
  inChannels: number,
  inputSize: Pair | undefined,
  names: { node: string; input: string; kernel: string; bias: string },
  template: readonly NodeDefJson[],
): NodeDefJson {
  const [, , kh, kw] = conv.kernelShape;
  const op = isDepthwise(conv, inChannels) ? "FusedDepthwiseConv2dNative" : "_FusedConv2D";
  const mode = tfPadMode(conv.pads, [kh, kw], conv.stride, conv.dilation, inputSize);
  const [t, l, b, r] = mode.kind === "explicit" ? mode.pads : [0, 0, 0, 0];
  const like = template.find((n) => n.op === op)?.attr ?? { T: { type: "DT_FLOAT" } };
  const attr: Record<string, AttrValueJson> = {
    ...like,
    strides: ints([1, conv.stride[0], conv.stride[1], 1]),
    padding: { s: textBase64(mode.kind.toUpperCase()) },
    data_format: { s: textBase64("NHWC") },
    dilations: ints([1, conv.dilation[0], conv.dilation[1], 1]),
    explicit_paddings: mode.kind === "explicit" ? ints([0, 0, t, b, l, r, 0, 0]) : { list: {} },
    fused_ops: { list: { s: [textBase64("BiasAdd")] } },
    num_args: { i: "1" },
    epsilon: like.epsilon ?? { f: 0 },
  };
  return { name: names.node, op, input: [names.input, names.kernel, names.bias], attr };
}
