import { defineNamingScheme } from "./naming-scheme.js";

/**
 * Official RepVGG (`RepVGGBlock`) and YOLOv6's `RepVGGBlock`: a kxk conv+BN
 * `rbr_dense`, a 1x1 conv+BN `rbr_1x1`, and a BatchNorm `rbr_identity` when
 * in == out and stride 1; deploy conv `rbr_reparam`. Extra modules of the
 * block (`se.down`, `se.up`) pass through.
 */
export const repvggScheme = defineNamingScheme({
  name: "repvgg",
  family: "repvgg",
  deploy: "rbr_reparam",
  branches: [
    { conv: "rbr_dense.conv", bn: "rbr_dense.bn" },
    { conv: "rbr_1x1.conv", bn: "rbr_1x1.bn" },
    { identity: "rbr_identity" },
  ],
});
