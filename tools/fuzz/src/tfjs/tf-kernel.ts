import { hwcmToOihw, hwioToOihw, oihwToHwcm, oihwToHwio } from "@reparam/core";
import type { KernelSpec, Shape4 } from "../block-spec.js";

/** How TF writes a conv: `conv` (Conv2D, HWIO kernel) or `depthwise` (DepthwiseConv2D, `[kh, kw, C, M]`). */
export type TfConvKind = "conv" | "depthwise";

/**
 * The TF op for a conv of `inChannels` in `groups` groups to `outChannels`:
 * Conv2D for groups 1, a depthwise conv (multiplier out / in) for groups =
 * in channels; otherwise why not (TF.js has no grouped Conv2D).
 */
export function tfConvKind(inChannels: number, outChannels: number, groups: number): TfConvKind | string {
  if (groups === 1) return "conv";
  if (groups === inChannels && outChannels % inChannels === 0) return "depthwise";
  return `TF.js has no grouped conv: groups ${groups} of ${inChannels} in channels (${outChannels} out) is neither 1 nor depthwise`;
}

/** An OIHW kernel in TF's layout for `kind`: its shape and values (row-major). */
export function toTfKernel(
  kernel: KernelSpec,
  kind: TfConvKind,
  inChannels: number,
): { shape: Shape4; data: Float64Array } {
  return kind === "conv" ? oihwToHwio(kernel.data, kernel.shape) : oihwToHwcm(kernel.data, kernel.shape, inChannels);
}

/** Back from TF's layout to OIHW (`[O, C / groups, kh, kw]`). */
export function fromTfKernel(data: ArrayLike<number>, shape: Shape4, kind: TfConvKind): KernelSpec {
  return kind === "conv" ? hwioToOihw(data, shape) : hwcmToOihw(data, shape);
}
