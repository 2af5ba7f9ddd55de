import { defineNamingScheme } from "./naming-scheme.js";

/**
 * RepLKNet's (and Apple FastViT's) `ReparamLargeKernelConv`: a large
 * depthwise kernel `lkb_origin` (conv + BN) and an optional small one
 * `small_conv` (conv + BN), centred on it; deploy conv `lkb_reparam`.
 * timm's FastViT names the large kernel `large_conv` and the deploy conv
 * `reparam_conv` (a variant).
 */
export const replknetScheme = defineNamingScheme({
  name: "replknet",
  family: "lk_small_kernel",
  deploy: "lkb_reparam",
  branches: [
    { conv: "lkb_origin.conv", bn: "lkb_origin.bn" },
    { conv: "small_conv.conv", bn: "small_conv.bn" },
  ],
  genericRoots: ["small_conv"],
  variants: [
    {
      deploy: "reparam_conv",
      branches: [
        { conv: "large_conv.conv", bn: "large_conv.bn" },
        { conv: "small_conv.conv", bn: "small_conv.bn" },
      ],
      genericRoots: ["small_conv"],
    },
  ],
});
