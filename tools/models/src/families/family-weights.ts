import { ReparamError, batchNormAffine, type BatchNorm, foldBatchNorm, oihwToHwcm, oihwToHwio } from "@reparam/core";
import type { FamilyStep, StateDict, StateTensor } from "./family-net.js";

type ConvStep = Extract<FamilyStep, { op: "conv" }>;

/** The tensor `key` of the state dict. */
export function tensor(dict: StateDict, key: string): StateTensor {
  const t = dict.get(key);
  if (t === undefined)
    throw new ReparamError("MODELS_BAD_ARGUMENT", "the state dict has no such tensor", {
      where: key,
      expected: "an F32 tensor of the train state dict",
      found: "nothing",
    });
  return t;
}

/** The BatchNorm whose keys start with `prefix`. */
export function batchNormAt(dict: StateDict, prefix: string, eps: number): BatchNorm {
  const v = (s: string) => tensor(dict, `${prefix}.${s}`).data;
  return { gamma: v("weight"), beta: v("bias"), mean: v("running_mean"), variance: v("running_var"), eps };
}

/** A BN as per-channel scale and shift, rounded once: t = gamma / sqrt(var + eps), shift = beta - mean * t. */
export function batchNormScaleShift(bn: BatchNorm, where: string): { scale: Float32Array; shift: Float32Array } {
  const a = batchNormAffine(bn, where);
  return { scale: Float32Array.from(a.scale), shift: Float32Array.from(a.shift) };
}

/**
 * A conv step's TF kernel (HWIO, or `[kh, kw, C, M]` when depthwise with
 * `inC` input channels) and bias, the BN folded in when it has one
 * (W' = W * t[o], b' = beta + (b - mean) * t, float64, rounded once)
 * unless `fold` is false.
 */
export function tfConv(
  dict: StateDict,
  s: ConvStep,
  inC: number,
  eps: number,
  fold = true,
): { kernel: Float32Array; kernelShape: number[]; bias?: Float32Array } {
  const w = tensor(dict, s.weight);
  const shape = w.shape as [number, number, number, number];
  const own = s.bias === undefined ? undefined : tensor(dict, s.bias).data;
  let data: ArrayLike<number> = w.data;
  let bias: ArrayLike<number> | undefined = own;
  if (s.bn !== undefined && fold) {
    const f = foldBatchNorm({ data: w.data, shape }, own, batchNormAt(dict, s.bn, eps), s.bn);
    data = f.kernel.data;
    bias = f.bias;
  }
  const t = s.depthwise ? oihwToHwcm(data, shape, inC) : oihwToHwio(data, shape);
  return {
    kernel: Float32Array.from(t.data),
    kernelShape: [...t.shape],
    ...(bias === undefined ? {} : { bias: Float32Array.from(bias) }),
  };
}

/** A Linear `[out, in]` as a TF MatMul / Dense kernel `[in, out]`. */
export function tfDenseKernel(dict: StateDict, key: string): { kernel: Float32Array; shape: [number, number] } {
  const w = tensor(dict, key);
  const [o, i] = w.shape as [number, number];
  return {
    kernel: Float32Array.from({ length: o * i }, (_, j) => w.data[(j % o) * i + Math.floor(j / o)]!),
    shape: [i, o],
  };
}
