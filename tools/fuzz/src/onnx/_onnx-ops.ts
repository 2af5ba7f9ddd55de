import { type AttributeValue, floatAttr, intAttr, intsAttr, stringAttr } from "@reparam/onnx";
import type { BnSpec, KernelSpec, Pads4 } from "../block-spec.js";
import type { Rng } from "../rng.js";
import { padsAre } from "../same-pads.js";
import type { OnnxGraph } from "./_onnx-graph.js";

type Attrs = Record<string, AttributeValue>;
const zero = (p: Pads4) => p.every((v) => v === 0);

/** auto_pad that gives `pads` for this window, stride and input size, if any. */
function autoPad(
  pads: Pads4,
  k: readonly [number, number],
  stride: number,
  size: readonly [number, number],
): string | undefined {
  if (padsAre("same-upper", pads, k, stride, size)) return "SAME_UPPER";
  if (padsAre("same-lower", pads, k, stride, size)) return "SAME_LOWER";
  return zero(pads) ? "VALID" : undefined;
}

/** Writes the ops of a block (convs, pools, BNs, Pads) in one style. */
export class OnnxOps {
  private readonly sharedPads = new Map<string, string>();

  constructor(
    readonly g: OnnxGraph,
    readonly rng: Rng,
  ) {}

  /** A Pad node (zeros, spatial dims) over x; shared by every caller with the same input and pads in the shared-pad style. */
  pad(x: string, pads: Pads4, shareable = false): string {
    const { g, rng } = this;
    const key = `${x}|${pads.join()}`;
    const known = shareable && g.style.pads === "shared-pad" ? this.sharedPads.get(key) : undefined;
    if (known !== undefined) return known;
    const [t, l, b, r] = pads;
    const axes = g.style.padAxes;
    const inputs = axes ? [x, g.int64s("pads", [t, l, b, r])] : [x, g.int64s("pads", [0, 0, t, l, 0, 0, b, r])];
    const value = rng.bool(0.3);
    if (value) inputs.push(g.floats("pad_value", [], new Float64Array(1)));
    if (axes) inputs.push(...(value ? [] : [""]), g.int64s("axes", [2, 3]));
    const out = g.node("Pad", inputs, rng.bool(0.5) ? { mode: stringAttr("constant") } : {});
    if (shareable) this.sharedPads.set(key, out);
    return out;
  }

  /** Input and pads attributes of a conv or pool reading x: pads on the op, a Pad node in front, or auto_pad. */
  private window(
    x: string,
    pads: Pads4,
    k: readonly [number, number],
    stride: number,
    size: readonly [number, number],
  ): { input: string; attrs: Attrs } {
    const { style } = this.g;
    if ((style.pads === "pad-node" || style.pads === "shared-pad") && !zero(pads))
      return { input: this.pad(x, pads, true), attrs: {} };
    const auto = style.pads === "auto-pad" ? autoPad(pads, k, stride, size) : undefined;
    if (auto !== undefined && (auto !== "VALID" || this.rng.bool(0.5)))
      return { input: x, attrs: { auto_pad: stringAttr(auto) } };
    if (zero(pads) && style.omitDefaults) return { input: x, attrs: {} };
    return { input: x, attrs: { pads: intsAttr(pads) } };
  }

  conv(
    x: string,
    kernel: KernelSpec,
    bias: Float64Array | undefined,
    geo: { stride: number; pads: Pads4; groups: number; size: readonly [number, number] },
  ): string {
    const { g } = this;
    const [o, , kh, kw] = kernel.shape;
    const { input, attrs } = this.window(x, geo.pads, [kh, kw], geo.stride, geo.size);
    const omit = g.style.omitDefaults;
    if (!omit || this.rng.bool(0.5)) attrs.kernel_shape = intsAttr([kh, kw]);
    if (!omit || geo.stride !== 1) attrs.strides = intsAttr([geo.stride, geo.stride]);
    if (!omit) attrs.dilations = intsAttr([1, 1]);
    if (!omit || geo.groups !== 1) attrs.group = intAttr(geo.groups);
    const w = g.floats("w", kernel.shape, kernel.data);
    return g.node("Conv", bias === undefined ? [input, w] : [input, w, g.floats("b", [o], bias)], attrs);
  }

  avgPool(
    x: string,
    size: readonly [number, number],
    geo: { stride: number; pads: Pads4; size: readonly [number, number] },
  ): string {
    const { input, attrs } = this.window(x, geo.pads, size, geo.stride, geo.size);
    attrs.kernel_shape = intsAttr(size);
    attrs.count_include_pad = intAttr(1);
    if (!this.g.style.omitDefaults || geo.stride !== 1) attrs.strides = intsAttr([geo.stride, geo.stride]);
    return this.g.node("AveragePool", [input], attrs);
  }

  /** A per-channel constant broadcasting over NCHW: [1, C, 1, 1] or [C, 1, 1]. */
  private channelConst(prefix: string, values: Float64Array): string {
    const c = values.length;
    return this.g.floats(prefix, this.rng.bool(0.7) ? [1, c, 1, 1] : [c, 1, 1], values);
  }

  /** x + bias per channel (an Add with a constant). */
  addBias(x: string, bias: Float64Array): string {
    return this.g.node("Add", [x, this.channelConst("bias", bias)]);
  }

  /** Inference BN: a BatchNormalization node, or Mul + Add when the style says so (then `bn` is an affine: mean 0, var 1, eps 0). */
  batchNorm(x: string, bn: BnSpec): string {
    const { g, rng } = this;
    const { style } = g;
    if (style.bn === "mul-add") {
      const scale = this.channelConst("scale", bn.gamma);
      const y = g.node("Mul", rng.bool(0.7) ? [x, scale] : [scale, x]);
      const shift = this.channelConst("shift", bn.beta);
      return g.node("Add", rng.bool(0.7) ? [y, shift] : [shift, y]);
    }
    const c = bn.gamma.length;
    const f32 = style.bnParamsFloat32;
    const inputs = [
      x,
      g.floats("gamma", [c], bn.gamma, f32),
      g.floats("beta", [c], bn.beta, f32),
      g.floats("mean", [c], bn.mean, f32),
      g.floats("var", [c], bn.variance, f32),
    ];
    const attrs: Attrs = { epsilon: floatAttr(bn.eps) };
    if (style.bnAttrs.momentum) attrs.momentum = floatAttr(0.9);
    if (style.bnAttrs.trainingMode) attrs.training_mode = intAttr(0);
    return g.node("BatchNormalization", inputs, attrs);
  }
}
