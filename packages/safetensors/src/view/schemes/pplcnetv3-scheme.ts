import { defineNamingScheme } from "./naming-scheme.js";

/**
 * PaddleOCR's PP-LCNetV3 `LearnableRepLayer` (PyTorch ports keep Paddle's
 * BatchNorm names `_mean`, `_variance`): `conv_kxk.{i}` Conv-BN branches
 * (`conv`, `bn`), a 1x1 `conv_1x1` when the kernel is larger, a BatchNorm
 * `identity` when in == out and stride 1, then `lab`, a learnable affine
 * (`lab.scale`, `lab.bias`, one value each) on the sum. Deploy conv
 * `reparam_conv`, as PaddleOCR's `rep()` names it; beyond `rep()`, which
 * keeps `lab`, the affine is folded in too (it is linear) and `lab.*`
 * dropped: the deploy module applies `reparam_conv` then its activation.
 * `act.lab` (inside the activation) stays. `lab.scale` marks the block. A
 * checkpoint saved after `rep()` also carries `reparam_conv` beside the
 * branches: it is recomputed from them, never read.
 */
export const pplcnetv3Scheme = defineNamingScheme({
  name: "pplcnetv3",
  family: "pplcnetv3",
  deploy: "reparam_conv",
  branches: [
    { conv: "conv_kxk.{i}.conv", bn: "conv_kxk.{i}.bn" },
    { conv: "conv_1x1.conv", bn: "conv_1x1.bn" },
    { identity: "identity" },
  ],
  postAffine: "lab",
  markedBy: ["lab.scale"],
  staleDeploy: true,
  genericRoots: ["identity", "lab"],
});
