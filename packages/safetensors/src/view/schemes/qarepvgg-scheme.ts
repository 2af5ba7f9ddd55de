import { defineNamingScheme } from "./naming-scheme.js";

/**
 * QARepVGG (YOLOv6 `QARepVGGBlock`): a kxk conv+BN `rbr_dense`, a bare 1x1
 * conv `rbr_1x1` (no BN), a bare `nn.Identity()` `rbr_identity` (no keys:
 * present when in == out channels, as the block creates it for in == out and
 * stride 1), then a BatchNorm `bn` after the sum; deploy conv `rbr_reparam`
 * with `bn` folded in (option `keepPostBn` keeps `bn` for QAT). `rbr_1x1` is
 * required: it tells this family from RepVGG, whose `rbr_1x1` has a BN.
 */
export const qarepvggScheme = defineNamingScheme({
  name: "qarepvgg",
  family: "qarepvgg",
  deploy: "rbr_reparam",
  branches: [
    { conv: "rbr_dense.conv", bn: "rbr_dense.bn" },
    { conv: "rbr_1x1", required: true },
    { bareIdentity: "rbr_identity" },
  ],
  postBn: "bn",
});
