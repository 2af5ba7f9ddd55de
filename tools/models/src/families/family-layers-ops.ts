import type { KerasLayerJson } from "@reparam/tfjs";
import type { FamilyStep } from "./family-net.js";

const ref = (name: string) => [name, 0, 0, {}] as const;
const layer = (className: string, name: string, inputs: readonly string[], config: Record<string, unknown>) => ({
  name,
  class_name: className,
  config: { ...config, name, trainable: true },
  inbound_nodes: [inputs.map(ref)],
});

/**
 * The Keras layer of a families2 step that has one (tfjs-layers 4.22's
 * `save()` fields), and its output channels; undefined for a step no plain
 * layer computes (a constant operand, a difference, Erf, HardSwish, ...):
 * ReLU / sigmoid as `Activation`, LeakyReLU as `LeakyReLU` (`alpha`), a sum
 * or product of two tensors `Add` / `Multiply`, `Concatenate` (axis -1),
 * `MaxPooling2D` (`valid`); a zero added is no layer (`alias`: the other
 * operand's layer).
 */
export function extraLayer(
  s: FamilyStep,
  name: string,
  x: (t: string) => string,
  channels: (t: string) => number,
  isZero: (key: string) => boolean,
): { layer: KerasLayerJson; c?: number } | { alias: string } | undefined {
  switch (s.op) {
    case "unary":
      if (s.fn === "relu" || s.fn === "sigmoid")
        return { layer: layer("Activation", name, [x(s.x)], { activation: s.fn }) };
      if (s.fn === "leakyrelu") return { layer: layer("LeakyReLU", name, [x(s.x)], { alpha: s.alpha }) };
      return undefined;
    case "binary": {
      // `out = 0; out += t` (GhostNetV3): a Keras net has no layer for the zero; t itself.
      if (s.fn === "add" && "key" in s.b && "tensor" in s.a && isZero(s.b.key)) return { alias: x(s.a.tensor) };
      if (s.fn === "add" && "key" in s.a && "tensor" in s.b && isZero(s.a.key)) return { alias: x(s.b.tensor) };
      if (!("tensor" in s.a) || !("tensor" in s.b) || (s.fn !== "add" && s.fn !== "mul")) return undefined;
      return { layer: layer(s.fn === "add" ? "Add" : "Multiply", name, [x(s.a.tensor), x(s.b.tensor)], {}) };
    }
    case "concat":
      return {
        layer: layer("Concatenate", name, s.xs.map(x), { axis: -1 }),
        c: s.xs.reduce((n, t) => n + channels(t), 0),
      };
    case "maxpool":
      return {
        layer: layer("MaxPooling2D", name, [x(s.x)], {
          pool_size: [s.k, s.k],
          padding: "valid",
          strides: [s.stride, s.stride],
          data_format: "channels_last",
        }),
      };
    default:
      return undefined;
  }
}
