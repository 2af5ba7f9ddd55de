import { defineNamingScheme } from "./naming-scheme.js";

/**
 * RepLKNet's (and Apple FastViT's) `ReparamLargeKernelConv`: a large
 * depthwise kernel `lkb_origin` (conv + BN) and an optional small one
 * `small_conv` (conv + BN), centred on it; deploy conv `lkb_reparam`.
 */
export const replknetScheme = defineNamingScheme({
  name: "replknet",
  family: "lk_small_kernel",
  deploy: "lkb_reparam",
  branches: [
    { conv: "lkb_origin.conv", bn: "lkb_origin.bn" },
    { conv: "small_conv.conv", bn: "small_conv.bn" },
  ],
});
