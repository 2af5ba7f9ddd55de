// GraphDef JSON attribute values as the TF.js converter writes them: strings
// base64, int64 (and int64 lists) as decimal strings, dtypes by enum name.
import type { AttrValueJson } from "@reparam/tfjs";
import type { Pads4 } from "../block-spec.js";

const utf8 = new TextEncoder();

/** A string attribute (`padding`, `data_format`, ...), base64 of its bytes. */
export const sAttr = (text: string): AttrValueJson => ({ s: btoa(String.fromCharCode(...utf8.encode(text))) });

/** An int64 list attribute (`strides`, `dilations`), values as strings. */
export const intsAttr = (v: readonly number[]): AttrValueJson => ({ list: { i: v.map(String) } });

/** A dtype attribute. */
export const dtypeAttr = (dtype: "DT_FLOAT" | "DT_INT32"): AttrValueJson => ({ type: dtype });

/** `{dim: [{size: "n"}, ...]}`, `-1` for an unknown dimension. */
export const tensorShape = (shape: readonly number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });

/** TF padding of a conv: SAME, VALID, or EXPLICIT with pads [top, left, bottom, right]. */
export type TfConvPadding = { readonly kind: "SAME" | "VALID" } | { readonly kind: "EXPLICIT"; readonly pads: Pads4 };

/**
 * Attributes of `Conv2D`, `_FusedConv2D`, `DepthwiseConv2dNative`,
 * `FusedDepthwiseConv2dNative`: NHWC, square stride, the padding, and
 * `fused` = the fused ops (`["BiasAdd"]`) for the fused ones.
 */
export function convAttrs(
  stride: number,
  dilation: readonly [number, number],
  padding: TfConvPadding,
  fused?: readonly string[],
): Record<string, AttrValueJson> {
  const p = padding.kind === "EXPLICIT" ? padding.pads : undefined;
  const attr: Record<string, AttrValueJson> = {
    T: dtypeAttr("DT_FLOAT"),
    strides: intsAttr([1, stride, stride, 1]),
    padding: sAttr(padding.kind),
    data_format: sAttr("NHWC"),
    dilations: intsAttr([1, dilation[0], dilation[1], 1]),
    explicit_paddings: p === undefined ? { list: {} } : intsAttr([0, 0, p[0], p[2], p[1], p[3], 0, 0]),
  };
  if (fused === undefined) return { ...attr, use_cudnn_on_gpu: { b: true } };
  return {
    ...attr,
    fused_ops: { list: { s: fused.map((t) => sAttr(t).s!) } },
    num_args: { i: String(fused.includes("BiasAdd") ? 1 : 0) },
    epsilon: { f: 0 },
    leakyrelu_alpha: { f: 0.2 },
  };
}
