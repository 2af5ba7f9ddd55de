// Keras layer configs as tfjs-layers' `model.save()` writes them (the
// fields and defaults of TF.js 4.22), one function per layer class.
import type { KerasLayerJson } from "@reparam/tfjs";

/** An inbound tensor: `[layerName, nodeIndex, tensorIndex, kwargs]`. */
const ref = (name: string) => [name, 0, 0, {}] as const;

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
    inbound_nodes: inputs.length === 0 ? [] : [inputs.map(ref)],
  };
}

/** Options common to Conv2D and DepthwiseConv2D. */
export interface ConvLayerOptions {
  readonly kernel: readonly [number, number];
  readonly stride: number;
  readonly padding: "same" | "valid";
  readonly useBias: boolean;
  readonly activation?: string;
  /** Default [1, 1]. */
  readonly dilation?: readonly [number, number];
  /** DepthwiseConv2D's depth multiplier (default 1). */
  readonly multiplier?: number;
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
export function conv2d(name: string, input: string, filters: number, o: ConvLayerOptions): KerasLayerJson {
  return layer("Conv2D", name, [input], {
    filters,
    kernel_initializer: glorot,
    kernel_regularizer: null,
    kernel_constraint: null,
    ...convCommon(o),
  });
}

/** `DepthwiseConv2D`: weights `<name>/depthwise_kernel` (`[kh, kw, C, multiplier]`) and `<name>/bias`. */
export function depthwiseConv2d(name: string, input: string, o: ConvLayerOptions): KerasLayerJson {
  return layer("DepthwiseConv2D", name, [input], {
    ...convCommon(o),
    depth_multiplier: o.multiplier ?? 1,
    depthwise_initializer: glorot,
    depthwise_regularizer: null,
    depthwise_constraint: null,
  });
}

function convCommon(o: ConvLayerOptions): Record<string, unknown> {
  return {
    kernel_size: [...o.kernel],
    strides: [o.stride, o.stride],
    padding: o.padding,
    data_format: "channels_last",
    dilation_rate: [...(o.dilation ?? [1, 1])],
    activation: o.activation ?? "linear",
    use_bias: o.useBias,
    bias_initializer: zeros,
    bias_regularizer: null,
    activity_regularizer: null,
    bias_constraint: null,
  };
}

/** `BatchNormalization` on the last axis: weights gamma, beta, moving_mean, moving_variance. */
export function batchNorm(name: string, input: string, epsilon: number): KerasLayerJson {
  return layer("BatchNormalization", name, [input], {
    axis: -1,
    momentum: 0.9,
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

/** `ZeroPadding2D` by ph rows and pw columns on each side. */
export function zeroPadding(name: string, input: string, ph: number, pw: number): KerasLayerJson {
  return zeroPadding2d(name, input, [ph, pw, ph, pw]);
}

/** `ZeroPadding2D` of pads [top, left, bottom, right], written `[[top, bottom], [left, right]]`. */
export function zeroPadding2d(
  name: string,
  input: string,
  pads: readonly [number, number, number, number],
): KerasLayerJson {
  return layer("ZeroPadding2D", name, [input], {
    padding: [
      [pads[0], pads[2]],
      [pads[1], pads[3]],
    ],
    data_format: "channels_last",
  });
}

/** A layer without weights or options beyond its inputs: `Add`, `Multiply`. */
export function merge(className: "Add" | "Multiply", name: string, inputs: readonly string[]): KerasLayerJson {
  return layer(className, name, inputs, {});
}

/** `Activation` (`relu`, `sigmoid`, `swish`). */
export function activation(name: string, input: string, fn: string): KerasLayerJson {
  return layer("Activation", name, [input], { activation: fn });
}

/** `GlobalAveragePooling2D` (NHWC -> NC). */
export function globalAveragePooling(name: string, input: string): KerasLayerJson {
  return layer("GlobalAveragePooling2D", name, [input], { data_format: "channels_last" });
}

/** `Reshape` to `targetShape` (without the batch dim). */
export function reshape(name: string, input: string, targetShape: readonly number[]): KerasLayerJson {
  return layer("Reshape", name, [input], { target_shape: [...targetShape] });
}

/** `Dense`: weights `<name>/kernel` (`[in, out]`) and `<name>/bias` (when `useBias`, the default). */
export function dense(name: string, input: string, units: number, useBias = true): KerasLayerJson {
  return layer("Dense", name, [input], {
    units,
    activation: "linear",
    use_bias: useBias,
    kernel_initializer: glorot,
    bias_initializer: zeros,
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  });
}

/** `AveragePooling2D` (`valid`: TF.js divides by the window size, so a zero-padded input counts its pads). */
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
