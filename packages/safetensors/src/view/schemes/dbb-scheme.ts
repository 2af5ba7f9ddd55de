import { defineNamingScheme } from "./naming-scheme.js";

/**
 * DBB's `DiverseBranchBlock` (DingXiaoH/DiverseBranchBlock):
 * - `dbb_origin.conv` + `.bn`: the kxk conv;
 * - `dbb_1x1.conv` + `.bn`: a 1x1 conv (only when groups < out channels);
 * - `dbb_1x1_kxk`: `idconv1` (an `IdentityBasedConv1x1`: weight + identity)
 *   or `conv1`, then `bn1` (a `BNAndPadLayer`, whose BatchNorm is `bn1.bn`
 *   and which pads with the BN's output), `conv2` (kxk, unpadded) and `bn2`;
 * - `dbb_avg`: `conv` + `bn.bn` (`BNAndPadLayer`) -> kxk average pool ->
 *   `avgbn` when groups < out channels, else the pool (padded, counting pads)
 *   -> `avgbn` over the input.
 * Deploy conv `dbb_reparam`.
 */
export const dbbScheme = defineNamingScheme({
  name: "dbb",
  family: "dbb",
  deploy: "dbb_reparam",
  branches: [
    { conv: "dbb_origin.conv", bn: "dbb_origin.bn" },
    { conv: "dbb_1x1.conv", bn: "dbb_1x1.bn" },
    {
      sequential: {
        first: "dbb_1x1_kxk.idconv1",
        identityBased: true,
        firstBn: "dbb_1x1_kxk.bn1.bn",
        second: "dbb_1x1_kxk.conv2",
        secondBn: "dbb_1x1_kxk.bn2",
      },
    },
    {
      sequential: {
        first: "dbb_1x1_kxk.conv1",
        firstBn: "dbb_1x1_kxk.bn1.bn",
        second: "dbb_1x1_kxk.conv2",
        secondBn: "dbb_1x1_kxk.bn2",
      },
    },
    { avgpool: { bn: "dbb_avg.avgbn", conv: "dbb_avg.conv", convBn: "dbb_avg.bn.bn" } },
  ],
});
