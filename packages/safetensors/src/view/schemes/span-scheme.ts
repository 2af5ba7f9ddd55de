import { defineNamingScheme } from "./naming-scheme.js";

/**
 * SPAN's `Conv3XC` (super-resolution): `conv(F.pad(x, 1)) + sk(x)`, `conv` a
 * 1x1 `conv.0` -> 3x3 `conv.1` (unpadded) -> 1x1 `conv.2`, all with bias,
 * `sk` a 1x1 with bias. The padding comes before the biased 1x1, so the
 * chain is exact at the border (core's `composeChain` proves it). The
 * module's `eval_conv` is what the deploy model runs; a training checkpoint
 * carries it stale (refreshed only in eval mode): it is recomputed from the
 * branches, never read. `conv.1` marks the block.
 */
export const spanScheme = defineNamingScheme({
  name: "span",
  family: "span_conv3xc",
  deploy: "eval_conv",
  branches: [{ conv: "sk" }, { chain: [{ conv: "conv.0" }, { conv: "conv.1" }, { conv: "conv.2" }], required: true }],
  markedBy: ["conv.1.weight"],
  staleDeploy: true,
  genericRoots: ["conv", "sk"],
});
