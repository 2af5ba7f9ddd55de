import { type ChainRule, defineNamingScheme } from "./naming-scheme.js";

/** ECBSR's 1x1 -> depthwise fixed-mask branch (`conv1x1_sbx`, `_sby`, `_lpl`): `k0`/`b0`, then `scale` * `mask` + `bias`. */
const masked = (name: string): ChainRule => ({
  chain: [
    { conv: name, weight: "k0", bias: "b0" },
    { conv: name, weight: "mask", scale: "scale", bias: "bias" },
  ],
  required: true,
});

/**
 * BasicSR's ECBSR `ECB` (edge-oriented conv block, no BatchNorm): a 3x3
 * `conv3x3` (weight, bias), the 1x1 -> 3x3 `conv1x1_3x3` (`k0`, `b0`, then
 * `k1`, `b1`; the 1x1 output is padded with `b0`, its value on a zero
 * border, so the chain is exact there), and three 1x1 -> depthwise 3x3
 * branches with fixed Sobel / Laplacian `mask`s scaled per channel by
 * `scale` (`conv1x1_sbx`, `conv1x1_sby`, `conv1x1_lpl`). Deploy: PlainSR's
 * `conv3x3` (the main conv's own keys, written fused), as ECB's
 * `rep_params()` gives. With `with_idt` (x added when in == out), which a
 * state dict does not show, the deploy conv would miss that identity.
 */
export const ecbsrScheme = defineNamingScheme({
  name: "ecbsr",
  family: "ecbsr",
  deploy: "conv3x3",
  branches: [
    { conv: "conv3x3" },
    {
      chain: [
        { conv: "conv1x1_3x3", weight: "k0", bias: "b0" },
        { conv: "conv1x1_3x3", weight: "k1", bias: "b1" },
      ],
      required: true,
    },
    masked("conv1x1_sbx"),
    masked("conv1x1_sby"),
    masked("conv1x1_lpl"),
  ],
  markedBy: ["conv1x1_3x3.k0"],
});
