import { defineNamingScheme } from "./naming-scheme.js";

/**
 * Apple's ml-mobileone `MobileOneBlock`: `rbr_conv.{i}` conv+BN branches, a
 * 1x1 `rbr_scale` when the kernel is larger than 1x1, a BatchNorm `rbr_skip`
 * when in == out and stride 1; deploy conv `reparam_conv`.
 */
export const mobileoneScheme = defineNamingScheme({
  name: "mobileone",
  family: "mobileone",
  deploy: "reparam_conv",
  branches: [
    { conv: "rbr_conv.{i}.conv", bn: "rbr_conv.{i}.bn" },
    { conv: "rbr_scale.conv", bn: "rbr_scale.bn" },
    { identity: "rbr_skip" },
  ],
});
