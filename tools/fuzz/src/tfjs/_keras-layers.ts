// Keras layer configs as tfjs-layers' `model.save()` writes them (TF.js
// 4.22's fields and defaults), one function per layer class.
import type { KerasLayerJson } from "@reparam/tfjs";
import type { Pads4 } from "../block-spec.js";

const glorot = {
  class_name: "VarianceScaling",
  config: { scale: 1, mode: "fan_avg", distribution: "normal", seed: null },
};
const zeros = { class_name: "Zeros", config: {} };
const ones = { class_name: "Ones", config: {} };

function layer(
  className: string,
  name: string,
  inputs: readonly string[],
  config: Record<string, unknown>,
): KerasLayerJson {
  return {
    name,
    class_name: className,
    config: { ...config, name, trainable: true },
    inbound_nodes: inputs.length === 0 ? [] : [inputs.map((i) => [i, 0, 0, {}])],
  };
}

/** Options of a Conv2D or DepthwiseConv2D layer. */
export interface KerasConvOptions {
  readonly kernel: readonly [number, number];
  readonly stride: number;
  readonly padding: "same" | "valid";
  readonly dilation: readonly [number, number];
  readonly useBias: boolean;
}

function convCommon(o: KerasConvOptions): Record<string, unknown> {
  return {
    kernel_size: [...o.kernel],
    strides: [o.stride, o.stride],
    padding: o.padding,
    data_format: "channels_last",
    dilation_rate: [...o.dilation],
    activation: "linear",
    use_bias: o.useBias,
    bias_initializer: zeros,
    bias_regularizer: null,
    activity_regularizer: null,
    bias_constraint: null,
  };
}

/** `InputLayer` of NHWC `[null, h, w, c]` float32. */
export function inputLayer(name: string, shape: readonly [number, number, number]): KerasLayerJson {
  return {
    name,
    class_name: "InputLayer",
    config: { batch_input_shape: [null, ...shape], dtype: "float32", sparse: false, name },
    inbound_nodes: [],
  };
}

/** `Conv2D`: weights `<name>/kernel` (HWIO) and `<name>/bias`. */
export function conv2d(name: string, input: string, filters: number, o: KerasConvOptions): KerasLayerJson {
  return layer("Conv2D", name, [input], {
    filters,
    kernel_initializer: glorot,
    kernel_regularizer: null,
    kernel_constraint: null,
    ...convCommon(o),
  });
}

/** `DepthwiseConv2D`: weights `<name>/depthwise_kernel` (`[kh, kw, C, multiplier]`) and `<name>/bias`. */
export function depthwiseConv2d(name: string, input: string, multiplier: number, o: KerasConvOptions): KerasLayerJson {
  return layer("DepthwiseConv2D", name, [input], {
    ...convCommon(o),
    depth_multiplier: multiplier,
    depthwise_initializer: glorot,
    depthwise_regularizer: null,
    depthwise_constraint: null,
  });
}

/** `BatchNormalization` on the last axis: weights gamma, beta, moving_mean, moving_variance. */
export function batchNorm(name: string, input: string, epsilon: number): KerasLayerJson {
  return layer("BatchNormalization", name, [input], {
    axis: -1,
    momentum: 0.99,
    epsilon,
    center: true,
    scale: true,
    beta_initializer: zeros,
    gamma_initializer: ones,
    moving_mean_initializer: zeros,
    moving_variance_initializer: ones,
    beta_regularizer: null,
    gamma_regularizer: null,
    beta_constraint: null,
    gamma_constraint: null,
  });
}

/** `ZeroPadding2D` of pads [top, left, bottom, right], written `[[top, bottom], [left, right]]`. */
export function zeroPadding(name: string, input: string, pads: Pads4): KerasLayerJson {
  return layer("ZeroPadding2D", name, [input], {
    padding: [
      [pads[0], pads[2]],
      [pads[1], pads[3]],
    ],
    data_format: "channels_last",
  });
}

/** `AveragePooling2D`, `valid` (a zero-padded input then counts its pads, as count_include_pad). */
export function averagePooling(
  name: string,
  input: string,
  size: readonly [number, number],
  stride: number,
): KerasLayerJson {
  return layer("AveragePooling2D", name, [input], {
    pool_size: [...size],
    padding: "valid",
    strides: [stride, stride],
    data_format: "channels_last",
  });
}

/** `Add` of the inputs. */
export function add(name: string, inputs: readonly string[]): KerasLayerJson {
  return layer("Add", name, inputs, {});
}

/** `Activation` (`relu`). */
export function activation(name: string, input: string, fn: string): KerasLayerJson {
  return layer("Activation", name, [input], { activation: fn });
}
