import type { BnSpec, KernelSpec, Pads4 } from "../block-spec.js";
import { type TfConvPadding, convAttrs, dtypeAttr } from "./_graph-attrs.js";
import { type GraphBnForm, graphBatchNorm, graphBiasAdd } from "./graph-batch-norm.js";
import type { GraphWriter } from "./graph-writer.js";
import { tfFoldConv } from "./tf-fold-conv.js";
import type { WeightStorage } from "./quantize-weight.js";
import { type TfConvKind, fromTfKernel, tfConvKind, toTfKernel } from "./tf-kernel.js";
import { noPads, samePads, tfSamePads } from "./tf-same-pads.js";

/** How a graph spelling writes a block. */
export interface GraphForm {
  /**
   * A conv with its bias and BN: `fused`, one `_FusedConv2D` (depthwise:
   * `FusedDepthwiseConv2dNative`) with fused_ops BiasAdd and the BN folded
   * in, as tfjs-converter writes it (a bare conv stays `Conv2D`); `biasadd`,
   * the BN folded into a `Conv2D` and a separate `BiasAdd`; `raw`, `Conv2D`,
   * `BiasAdd` for its own bias, then the BN as {@link GraphForm.bn} says.
   */
  readonly conv: "fused" | "biasadd" | "raw";
  /** BNs not folded into a conv (identity, post-sum, BNAndPad, pools, `raw` convs). */
  readonly bn: GraphBnForm;
  /**
   * A padded conv: `converter`, SAME at stride 1 when TF's SAME pads are
   * the conv's, else a `Pad` node then VALID (tfjs-converter's output for
   * PyTorch-style padding); `pad`, always `Pad` + VALID; `explicit`,
   * padding EXPLICIT with `explicit_paddings`; `same`, SAME (only where
   * TF's SAME pads are the conv's at this size, stride 2 included).
   */
  readonly padding: "converter" | "pad" | "explicit" | "same";
  readonly storage: WeightStorage;
  /** One `Pad` read by every branch with the same pads over the same tensor (MobileOne's kxk convs, DBB's avg pool). */
  readonly sharePads?: boolean;
}

/** A conv to write: OIHW kernel, optional bias and BN, geometry over an input of `size`. */
export interface GraphConvSpec {
  readonly kernel: KernelSpec;
  readonly bias?: Float64Array | undefined;
  readonly bn?: BnSpec | undefined;
  readonly inChannels: number;
  readonly groups: number;
  readonly stride: number;
  readonly dilation: readonly [number, number];
  readonly pads: Pads4;
  readonly size: readonly [number, number];
}

/** `x` after a zero `Pad` node `<name>/Pad` of `pads` [top, left, bottom, right] (the shared one, when shared). */
export function graphPad(g: GraphWriter, x: string, name: string, pads: Pads4): string {
  if (noPads(pads)) return x;
  const key = `${x}/${pads.join("_")}`;
  const shared = g.padded?.get(key);
  if (shared !== undefined) return shared;
  // A shared Pad keeps the name of its first reader's.
  const p = g.intConst(`${name}/Pad/paddings`, [4, 2], [0, 0, pads[0], pads[2], pads[1], pads[3], 0, 0]);
  const y = g.op(`${name}/Pad`, "Pad", [x, p], { Tpaddings: dtypeAttr("DT_INT32") });
  g.padded?.set(key, y);
  return y;
}

function padding(
  g: GraphWriter,
  x: string,
  name: string,
  c: GraphConvSpec,
  form: GraphForm,
): { input: string; padding: TfConvPadding } {
  if (noPads(c.pads)) return { input: x, padding: { kind: "VALID" } };
  const same = samePads(tfSamePads(c.size, [c.kernel.shape[2], c.kernel.shape[3]], c.stride, c.dilation), c.pads);
  if (form.padding === "same" || (form.padding === "converter" && c.stride === 1 && same))
    return { input: x, padding: { kind: "SAME" } };
  if (form.padding === "explicit") return { input: x, padding: { kind: "EXPLICIT", pads: c.pads } };
  return { input: graphPad(g, x, `${name}_pad`, c.pads), padding: { kind: "VALID" } };
}

/**
 * A conv (+ bias) (+ BN) as `form` says (see {@link GraphForm}); node names
 * under `<name>`. Returns the output and the conv as stored: kernel, bias
 * and BN with the values TF.js reads (BN folded in float32 where folded).
 */
export function graphConv(
  g: GraphWriter,
  x: string,
  name: string,
  c: GraphConvSpec,
  form: GraphForm,
): { y: string; kernel: KernelSpec; bias?: Float64Array; bn?: BnSpec } {
  const out = c.kernel.shape[0];
  const kind = tfConvKind(c.inChannels, out, c.groups) as TfConvKind;
  const raw = form.conv === "raw";
  const folded = raw ? tfFoldConv(c.kernel, undefined, undefined) : tfFoldConv(c.kernel, c.bias, c.bn);
  const tf = toTfKernel(folded.kernel, kind, c.inChannels);
  const dw = kind === "depthwise";
  const k = g.floatConst(`${name}/${dw ? "depthwise_weights" : "Conv2D_weights"}`, tf.shape, tf.data);
  const kernel = fromTfKernel(k.stored, tf.shape, kind);
  const { input, padding: p } = padding(g, x, name, c, form);
  if (form.conv === "fused" && folded.bias !== undefined) {
    const b = g.floatConst(`${name}/${dw ? "depthwise_bn_offset" : "Conv2D_bn_offset"}`, [out], folded.bias);
    const op = dw ? "FusedDepthwiseConv2dNative" : "_FusedConv2D";
    const y = g.op(
      `${name}/${c.bn === undefined ? "BiasAdd" : "FusedBatchNormV3"}`,
      op,
      [input, k.name, b.name],
      convAttrs(c.stride, c.dilation, p, ["BiasAdd"]),
    );
    return { y, kernel, bias: b.stored };
  }
  let y = g.op(
    `${name}/${dw ? "depthwise" : "Conv2D"}`,
    dw ? "DepthwiseConv2dNative" : "Conv2D",
    [input, k.name],
    convAttrs(c.stride, c.dilation, p),
  );
  const bias = raw ? c.bias : folded.bias;
  let storedBias: Float64Array | undefined;
  if (bias !== undefined) ({ y, bias: storedBias } = graphBiasAdd(g, y, name, bias));
  const n = raw && c.bn !== undefined ? graphBatchNorm(g, y, `${name}_bn`, c.bn, form.bn) : undefined;
  return { y: n?.y ?? y, kernel, ...(storedBias ? { bias: storedBias } : {}), ...(n ? { bn: n.bn } : {}) };
}
