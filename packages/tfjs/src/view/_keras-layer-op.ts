import type { ConstRef, NeutralOp, Pair } from "@reparam/core";
import {
  configPair,
  convPaddingName,
  isChannelAxis,
  isChannelsLast,
  isLinear,
  zeroPaddingPads,
} from "../codec/_keras-config.js";
import type { Float32Pool } from "../codec/_float32-pool.js";
import { filledConst, isChannelWeight, isKernelWeight, weightConst } from "./_weight-const.js";
import { tfPadding } from "./_tf-padding.js";
import { isDenseKernel, linearConvOp } from "./_dense-kernel.js";
import type { KerasLayerJson } from "../codec/layers-topology.js";
import type { TfjsWeight } from "../codec/tfjs-weight.js";

/** A layer as the matcher sees it, and the names of the weights that op reads. */
export interface LayerOp {
  readonly op: NeutralOp;
  readonly weights: readonly string[];
}

/** Finds weight `<layer>/<short>` of the layer being read. */
export type LayerWeightFinder = (short: string) => TfjsWeight | undefined;

const OTHER: LayerOp = { op: { kind: "other" }, weights: [] };

/**
 * What a Keras layer does, NHWC read as core's NCHW semantics: linear
 * `Conv2D` / `DepthwiseConv2D` (kernels HWIO / `[kh, kw, C, M]` to OIHW),
 * `Dense` (kernel `[in, out]`, read as a 1x1 conv over the last axis),
 * `BatchNormalization` on the channels axis (missing gamma/beta read as
 * 1/0), `ZeroPadding2D`, `Add`, and `AveragePooling2D` with 'valid'
 * padding (Keras' 'same' pooling excludes pads, which a kernel cannot).
 * Anything else, or anything malformed or not channels-last, is "other".
 * Conv kernels are permuted into arrays from `pool` when one is given.
 */
export function kerasLayerOp(layer: KerasLayerJson, find: LayerWeightFinder, pool?: Float32Pool): LayerOp {
  const c = layer.config;
  switch (layer.class_name) {
    case "Conv2D":
    case "DepthwiseConv2D":
      return convOp(layer, find, pool);
    case "Dense":
      return denseOp(c, find);
    case "BatchNormalization":
      return batchNormOp(c, find);
    case "ZeroPadding2D": {
      const pads = zeroPaddingPads(c.padding ?? 1);
      return pads && isChannelsLast(c) ? { op: { kind: "pad", pads }, weights: [] } : OTHER;
    }
    case "Add":
      return { op: { kind: "add" }, weights: [] };
    case "AveragePooling2D": {
      const size = configPair(c.pool_size, 2);
      const stride = configPair(c.strides ?? c.pool_size, 2);
      if (!size || !stride || convPaddingName(c) !== "valid" || !isChannelsLast(c)) return OTHER;
      return { op: { kind: "avgpool", size, stride, padding: { kind: "valid" } }, weights: [] };
    }
    default:
      return OTHER;
  }
}

function convOp(layer: KerasLayerJson, find: LayerWeightFinder, pool: Float32Pool | undefined): LayerOp {
  const c = layer.config;
  const depthwise = layer.class_name === "DepthwiseConv2D";
  const size = configPair(c.kernel_size);
  const stride = configPair(c.strides, 1);
  const dilation = configPair(c.dilation_rate, 1);
  const padding = convPaddingName(c);
  if (!size || !stride || !dilation || !padding || !isLinear(c) || !isChannelsLast(c)) return OTHER;
  // tfjs-layers 4.x runs DepthwiseConv2D without its dilation_rate (it passes null to depthwiseConv2d): the
  // model computes something other than its config says, and a fused conv would compute the config. Leave it.
  if (depthwise && (dilation[0] !== 1 || dilation[1] !== 1)) return OTHER;
  const kernel = find(depthwise ? "depthwise_kernel" : "kernel");
  if (!isKernelWeight(kernel) || kernel.shape[0] !== size[0] || kernel.shape[1] !== size[1]) return OTHER;
  const [, , i, o] = kernel.shape as [number, number, number, number];
  const groups = depthwise ? i : (c.groups ?? 1);
  if (!Number.isSafeInteger(groups) || (groups as number) < 1 || (!depthwise && o % (groups as number) !== 0))
    return OTHER;
  const out = depthwise ? i * o : o;
  const weights = [kernel.name];
  let bias: ConstRef | undefined;
  if (c.use_bias !== false) {
    const b = find("bias");
    if (!isChannelWeight(b) || b.shape.length !== 1 || b.shape[0] !== out) return OTHER;
    bias = weightConst(b, "flat");
    weights.push(b.name);
  }
  const op: NeutralOp = {
    kind: "conv",
    kernel: weightConst(kernel, depthwise ? "hwcm" : "hwio", pool),
    ...(bias ? { bias } : {}),
    stride,
    padding: tfPadding(padding, size as Pair, stride, dilation),
    dilation,
    groups: groups as number,
  };
  return { op, weights };
}

function denseOp(c: Readonly<Record<string, unknown>>, find: LayerWeightFinder): LayerOp {
  const kernel = find("kernel");
  if (!isDenseKernel(kernel) || !isLinear(c) || c.units !== kernel.shape[1]) return OTHER;
  const weights = [kernel.name];
  let bias: ConstRef | undefined;
  if (c.use_bias !== false) {
    const b = find("bias");
    if (!isChannelWeight(b) || b.shape.length !== 1 || b.shape[0] !== kernel.shape[1]) return OTHER;
    bias = weightConst(b, "flat");
    weights.push(b.name);
  }
  const op: NeutralOp = linearConvOp(kernel, bias);
  return { op, weights };
}

function batchNormOp(c: Readonly<Record<string, unknown>>, find: LayerWeightFinder): LayerOp {
  if (!isChannelAxis(c.axis) || c.renorm === true || (c.virtual_batch_size ?? null) !== null) return OTHER;
  const eps = c.epsilon ?? 1e-3;
  const mean = find("moving_mean");
  const variance = find("moving_variance");
  if (typeof eps !== "number" || !isChannelWeight(mean) || !isChannelWeight(variance) || mean.shape.length !== 1)
    return OTHER;
  const n = mean.shape[0]!;
  const optional = (flag: unknown, short: string, fill: number): ConstRef | TfjsWeight | undefined => {
    if (flag === false) return filledConst(n, fill);
    const w = find(short);
    return isChannelWeight(w) && w.shape.length === 1 && w.shape[0] === n ? w : undefined;
  };
  const gamma = optional(c.scale, "gamma", 1);
  const beta = optional(c.center, "beta", 0);
  if (gamma === undefined || beta === undefined || variance.shape.length !== 1 || variance.shape[0] !== n) return OTHER;
  const ref = (x: ConstRef | TfjsWeight): ConstRef => ("values" in x ? x : weightConst(x, "flat"));
  const weights = [gamma, beta, mean, variance].flatMap((x) => ("name" in x ? [x.name] : []));
  return {
    op: {
      kind: "batchnorm",
      gamma: ref(gamma),
      beta: ref(beta),
      mean: weightConst(mean, "flat"),
      variance: weightConst(variance, "flat"),
      eps,
    },
    weights,
  };
}
