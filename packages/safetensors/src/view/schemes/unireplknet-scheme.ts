import { defineNamingScheme } from "./naming-scheme.js";

/**
 * UniRepLKNet's `DilatedReparamBlock`: the large depthwise kernel `lk_origin`
 * with BatchNorm `origin_bn`, and dilated depthwise branches
 * `dil_conv_k{k}_{r}` + `dil_bn_k{k}_{r}` (kernel k at dilation r, its
 * extent (k - 1) * r + 1 within the large kernel). The deploy conv keeps the
 * name `lk_origin`, with a bias added (as `merge_dilated_branches` does).
 */
export const unireplknetScheme = defineNamingScheme({
  name: "unireplknet",
  family: "unireplknet_dilated",
  deploy: "lk_origin",
  branches: [
    { conv: "lk_origin", bn: "origin_bn" },
    { conv: "dil_conv_k{k}_{r}", bn: "dil_bn_k{k}_{r}" },
  ],
});
