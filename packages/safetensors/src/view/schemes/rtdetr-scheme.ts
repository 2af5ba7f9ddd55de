import { defineNamingScheme } from "./naming-scheme.js";

/**
 * RT-DETR's `RepVggBlock` as Hugging Face transformers names it
 * (`RTDetrRepVggBlock`): `conv1` a 3x3 ConvNorm (`conv1.conv`, `conv1.norm`)
 * plus `conv2` a 1x1 one, no identity; deploy conv `conv`, as RT-DETR's own
 * `convert_to_deploy` names it (transformers never fuses). The CSP layer
 * around the blocks also has a `conv1`/`conv2` pair, both 1x1 and not
 * summed: a 1x1 `conv1` is another module (`minKernel`), passed through,
 * and so is a `conv1` without any `conv2` (a network's stem).
 */
export const rtdetrScheme = defineNamingScheme({
  name: "rtdetr",
  family: "rtdetr_repvgg",
  deploy: "conv",
  branches: [
    { conv: "conv1.conv", bn: "conv1.norm", minKernel: 3 },
    { conv: "conv2.conv", bn: "conv2.norm", required: true, kernel: 1 },
  ],
  markedBy: ["conv2.conv.weight"],
  genericRoots: ["conv1", "conv2"],
});
