import { defineNamingScheme } from "./naming-scheme.js";

/**
 * PP-YOLOE's `RepVggBlock` (with `alpha`): conv3x3+BN `conv1` + alpha *
 * conv1x1+BN `conv2`, `alpha` a scalar parameter; deploy conv `conv`.
 * `alpha` marks the family: a `conv1`/`conv2` pair without it, or with a
 * `conv1` under 3x3, is another module (PP-YOLOE's CSP stages have 1x1
 * ones, not summed), passed through.
 */
export const ppyoloeScheme = defineNamingScheme({
  name: "ppyoloe",
  family: "ppyoloe_alpha",
  deploy: "conv",
  branches: [
    { conv: "conv1.conv", bn: "conv1.bn", minKernel: 3 },
    { conv: "conv2.conv", bn: "conv2.bn", required: true, kernel: 1, scale: "alpha", scaleRequired: true },
  ],
  genericRoots: ["conv1", "conv2"],
});
