import { defineNamingScheme } from "./naming-scheme.js";

/**
 * docTR's `FASTConvLayer` (FAST text detection): the main conv `conv` +
 * `bn` (kh x kw), a kh x 1 `ver_conv` + `ver_bn` when kw != 1 and a 1 x kw
 * `hor_conv` + `hor_bn` when kh != 1 (a 1x1 one for 1 x k and k x 1
 * layers, as docTR builds them), and a BatchNorm `rbr_identity` when in ==
 * out and stride 1; deploy conv `fused_conv` (docTR's `reparameterize_layer`).
 * `ver_conv` or `hor_conv` marks the block: a plain `conv` + `bn` is another
 * module, passed through.
 */
export const doctrFastScheme = defineNamingScheme({
  name: "doctr-fast",
  family: "doctr_fast",
  deploy: "fused_conv",
  branches: [
    { conv: "conv", bn: "bn" },
    { conv: "ver_conv", bn: "ver_bn" },
    { conv: "hor_conv", bn: "hor_bn" },
    { identity: "rbr_identity" },
  ],
  markedBy: ["ver_conv.weight", "hor_conv.weight"],
  genericRoots: ["conv", "bn"],
});
