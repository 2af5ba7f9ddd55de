import type { KerasLayerJson } from "@reparam/tfjs";
import type { BnSpec, KernelSpec, Pads4 } from "../block-spec.js";
import * as k from "./_keras-layers.js";
import type { WeightStorage } from "./quantize-weight.js";
import { type TfConvKind, fromTfKernel, tfConvKind, toTfKernel } from "./tf-kernel.js";
import { noPads } from "./tf-same-pads.js";
import { WeightWriter } from "./weight-writer.js";

/** Geometry of a Conv2D / DepthwiseConv2D layer. */
export interface LayerConvGeometry {
  readonly stride: number;
  readonly padding: "same" | "valid";
  readonly dilation: readonly [number, number];
}

/**
 * Collects the Keras layers of a block (functional order) and their weights
 * (manifest order); each method adds layers, returns the output layer's name
 * and the values as stored (float32, dequantized when quantized, back in
 * OIHW for kernels).
 */
export class LayersWriter {
  readonly layers: KerasLayerJson[] = [];
  readonly weights: WeightWriter;
  /** With `sharePads`: the ZeroPadding2D made for each (input, pads), reused. */
  private readonly padded: Map<string, string> | undefined;

  /** `sharePads`: one ZeroPadding2D per input and pads, read by every branch that pads so (else one per branch). */
  constructor(storage: WeightStorage, sharePads = false) {
    this.weights = new WeightWriter(storage);
    this.padded = sharePads ? new Map() : undefined;
  }

  /** Adds a layer without weights; returns its name. */
  push(layer: KerasLayerJson): string {
    this.layers.push(layer);
    return layer.name!;
  }

  /** Conv2D, or DepthwiseConv2D (multiplier out / in) when `groups` = in channels > 1, with the OIHW `kernel`. */
  conv(
    x: string,
    name: string,
    kernel: KernelSpec,
    inChannels: number,
    groups: number,
    g: LayerConvGeometry,
    bias?: Float64Array,
  ): { y: string; kernel: KernelSpec; bias?: Float64Array } {
    const out = kernel.shape[0];
    const kind = tfConvKind(inChannels, out, groups) as TfConvKind;
    const tf = toTfKernel(kernel, kind, inChannels);
    const o = { kernel: [kernel.shape[2], kernel.shape[3]] as const, ...g, useBias: bias !== undefined };
    this.layers.push(kind === "conv" ? k.conv2d(name, x, out, o) : k.depthwiseConv2d(name, x, out / inChannels, o));
    const stored = this.weights.float(`${name}/${kind === "conv" ? "kernel" : "depthwise_kernel"}`, tf.shape, tf.data);
    const b = bias === undefined ? undefined : Float64Array.from(this.weights.float(`${name}/bias`, [out], bias));
    return { y: name, kernel: fromTfKernel(stored, tf.shape, kind), ...(b ? { bias: b } : {}) };
  }

  /** BatchNormalization of `x`. */
  batchNorm(x: string, name: string, bn: BnSpec): { y: string; bn: BnSpec } {
    this.layers.push(k.batchNorm(name, x, bn.eps));
    const n = bn.gamma.length;
    const put = (w: string, v: Float64Array) => Float64Array.from(this.weights.float(`${name}/${w}`, [n], v));
    const stored = {
      gamma: put("gamma", bn.gamma),
      beta: put("beta", bn.beta),
      mean: put("moving_mean", bn.mean),
      variance: put("moving_variance", bn.variance),
      eps: bn.eps,
    };
    return { y: name, bn: stored };
  }

  /** `x`, or BatchNormalization of `x` when there is a BN. */
  maybeBatchNorm(x: string, name: string, bn: BnSpec | undefined): { y: string; bn?: BnSpec } {
    return bn === undefined ? { y: x } : this.batchNorm(x, name, bn);
  }

  /** ZeroPadding2D of `x` by `pads` (the shared one, when shared); `x` itself when they are all zero. */
  pad(x: string, name: string, pads: Pads4): string {
    if (noPads(pads)) return x;
    if (this.padded === undefined) return this.push(k.zeroPadding(name, x, pads));
    const key = `${x}/${pads.join("_")}`;
    // A shared ZeroPadding2D keeps the name of its first reader's.
    const shared = this.padded.get(key) ?? this.push(k.zeroPadding(name, x, pads));
    this.padded.set(key, shared);
    return shared;
  }
}
