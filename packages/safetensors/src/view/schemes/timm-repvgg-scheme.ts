import { defineNamingScheme } from "./naming-scheme.js";

/**
 * timm's `RepVggBlock` (byobnet): `conv_kxk` and `conv_1x1` ConvNormAct
 * (`.conv`, `.bn`), a BatchNorm `identity` when in == out and stride 1;
 * deploy conv `reparam_conv`. `identity` is a common module name, so
 * `identity.*` keys outside a block are not taken for broken branches.
 */
export const timmRepvggScheme = defineNamingScheme({
  name: "timm-repvgg",
  family: "repvgg",
  deploy: "reparam_conv",
  branches: [
    { conv: "conv_kxk.conv", bn: "conv_kxk.bn" },
    { conv: "conv_1x1.conv", bn: "conv_1x1.bn" },
    { identity: "identity" },
  ],
  genericRoots: ["identity"],
});
