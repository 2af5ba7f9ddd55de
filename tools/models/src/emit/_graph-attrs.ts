// GraphDef JSON attribute values as the TF.js converter writes them: strings
// base64, int64 (and int64 lists) as decimal strings, dtypes by enum name.
import type { AttrValueJson } from "@reparam/tfjs";

const utf8 = new TextEncoder();

/** A string attribute (`padding`, `data_format`, ...), base64 of its bytes. */
export const sAttr = (text: string): AttrValueJson => ({ s: btoa(String.fromCharCode(...utf8.encode(text))) });

/** An int64 list attribute (`strides`, `dilations`), values as strings. */
export const intsAttr = (v: readonly number[]): AttrValueJson => ({ list: { i: v.map(String) } });

/** A string list attribute (`fused_ops`). */
export const stringsAttr = (v: readonly string[]): AttrValueJson => ({ list: { s: v.map((t) => sAttr(t).s!) } });

/** A dtype attribute. */
export const dtypeAttr = (dtype: "DT_FLOAT" | "DT_INT32"): AttrValueJson => ({ type: dtype });

/** `{dim: [{size: "n"}, ...]}`, `-1` for an unknown dimension. */
export const tensorShape = (shape: readonly number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });

/**
 * Attributes of a conv (`_FusedConv2D`, `FusedDepthwiseConv2dNative`,
 * `Conv2D`): NHWC, square stride, TF padding `SAME` / `VALID` / `EXPLICIT`
 * (with `explicit` = symmetric (ph, pw)), and the fused ops (`[]` for a plain `Conv2D`).
 */
export function convAttrs(
  stride: number,
  padding: "SAME" | "VALID" | "EXPLICIT",
  fusedOps: readonly string[] | undefined,
  explicit?: readonly [number, number],
): Record<string, AttrValueJson> {
  const attr: Record<string, AttrValueJson> = {
    T: dtypeAttr("DT_FLOAT"),
    strides: intsAttr([1, stride, stride, 1]),
    padding: sAttr(padding),
    data_format: sAttr("NHWC"),
    dilations: intsAttr([1, 1, 1, 1]),
  };
  const pads =
    explicit === undefined ? { list: {} } : intsAttr([0, 0, explicit[0], explicit[0], explicit[1], explicit[1], 0, 0]);
  if (fusedOps === undefined) return { ...attr, explicit_paddings: pads, use_cudnn_on_gpu: { b: true } };
  return {
    ...attr,
    explicit_paddings: pads,
    fused_ops: stringsAttr(fusedOps),
    num_args: { i: String(fusedOps.includes("BiasAdd") ? 1 : 0) },
    epsilon: { f: 0 },
    leakyrelu_alpha: { f: 0.2 },
  };
}

/** The TF op of a conv as the converter writes it: plain or fused (with `fused_ops`), depthwise or not. */
export function convOpName(depthwise: boolean, fused: boolean): string {
  if (depthwise) return fused ? "FusedDepthwiseConv2dNative" : "DepthwiseConv2dNative";
  return fused ? "_FusedConv2D" : "Conv2D";
}
