import { defineNamingScheme } from "./naming-scheme.js";

/**
 * ACNet's `ACBlock`: a kxk `square_conv` + `square_bn`, a kx1 `ver_conv` +
 * `ver_bn` and a 1xk `hor_conv` + `hor_bn`, padded (k//2, 0) and (0, k//2) so
 * that they sit on the square kernel's centre cross; deploy conv `fused_conv`.
 */
export const acnetScheme = defineNamingScheme({
  name: "acnet",
  family: "acnet",
  deploy: "fused_conv",
  branches: [
    { conv: "square_conv", bn: "square_bn" },
    { conv: "ver_conv", bn: "ver_bn" },
    { conv: "hor_conv", bn: "hor_bn" },
  ],
});
