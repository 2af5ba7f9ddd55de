import { narrowFloat16Array, oihwToHwcm, oihwToHwio, type FusedConv } from "@reparam/core";
import type { EncodableWeight } from "./encode-weights.js";

/** True when a fused conv is depthwise in TF terms: groups = input channels (> 1), one input channel per group. */
export function isDepthwise(conv: FusedConv, inChannels: number): boolean {
  return conv.groups > 1 && conv.groups === inChannels && conv.kernel.shape[1] === 1;
}

/**
 * A new weight from float64 values, rounded once: float32, or (`f16`)
 * float32 stored as float16 quantization (TF.js dequantizes it exactly).
 */
export function newWeight(name: string, shape: readonly number[], values: Float64Array, dtype: "f32" | "f16"): EncodableWeight {
  if (dtype === "f32") return { name, shape, values: Float32Array.from(values) };
  const bits = narrowFloat16Array(values);
  const bytes = new Uint8Array(bits.length * 2);
  const view = new DataView(bytes.buffer);
  bits.forEach((b, i) => view.setUint16(2 * i, b, true));
  return { name, shape, dtype: "float32", quantization: { dtype: "float16" }, bytes };
}

/**
 * A fused conv's kernel in TF layout (HWIO, or `[kh, kw, C, M]` when
 * depthwise) and its bias, as new weights named `kernel` and `bias`.
 */
export function fusedWeights(conv: FusedConv, inChannels: number, names: { kernel: string; bias: string }, dtype: "f32" | "f16"): EncodableWeight[] {
  const k = conv.kernel;
  const tf = isDepthwise(conv, inChannels) ? oihwToHwcm(k.data, k.shape, inChannels) : oihwToHwio(k.data, k.shape);
  return [newWeight(names.kernel, tf.shape, tf.data, dtype), newWeight(names.bias, [conv.bias.length], conv.bias, dtype)];
}
