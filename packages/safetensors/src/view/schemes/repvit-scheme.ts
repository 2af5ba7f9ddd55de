import { defineNamingScheme } from "./naming-scheme.js";

/**
 * RepViT's `RepVGGDW` (timm `RepVggDw`): bn(conv(x) + conv1(x) + x), `conv` a
 * depthwise 3x3 ConvNorm (`conv.c`, `conv.bn`), `conv1` a depthwise 1x1 conv
 * with bias, `bn` after the sum; the legacy form has a ConvNorm `conv1.c` +
 * `conv1.bn` and no `bn`. The whole module becomes one conv, as RepViT's
 * `fuse()` does: `${prefix}weight` and `${prefix}bias`. The 1x1 marks the
 * block: a `conv.c` + `conv.bn` without it is a plain `Conv2d_BN`, passed through.
 */
export const repvitScheme = defineNamingScheme({
  name: "repvit",
  family: "repvit_repvggdw",
  deploy: "",
  branches: [
    { conv: "conv.c", bn: "conv.bn" },
    { conv: "conv1" },
    { conv: "conv1.c", bn: "conv1.bn" },
    { bareIdentity: "x", always: true },
  ],
  postBn: "bn",
  markedBy: ["conv1.weight", "conv1.c.weight"],
  genericRoots: ["conv", "conv1", "x"],
});
