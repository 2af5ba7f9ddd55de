import { defineNamingScheme } from "./naming-scheme.js";

/**
 * timm's `MobileOneBlock` (byobnet, FastViT): `conv_kxk.{i}` ConvNormAct
 * branches (num_conv_branches of them), a 1x1 `conv_scale` when the kernel is
 * larger than 1x1, a BatchNorm `identity` when in == out and stride 1;
 * deploy conv `reparam_conv`.
 */
export const timmMobileoneScheme = defineNamingScheme({
  name: "timm-mobileone",
  family: "mobileone",
  deploy: "reparam_conv",
  branches: [
    { conv: "conv_kxk.{i}.conv", bn: "conv_kxk.{i}.bn" },
    { conv: "conv_scale.conv", bn: "conv_scale.bn" },
    { identity: "identity" },
  ],
  genericRoots: ["identity"],
});
