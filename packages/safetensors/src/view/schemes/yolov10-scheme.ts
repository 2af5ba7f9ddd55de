import { defineNamingScheme } from "./naming-scheme.js";

/**
 * Ultralytics' `RepVGGDW` (YOLOv10's `CIB` with `lk=True`): a depthwise 7x7
 * `Conv` `conv` (`conv.conv`, `conv.bn`) plus a depthwise 3x3 one `conv1`,
 * no identity; `fuse()` makes `conv` a plain conv with bias (`conv.weight`,
 * `conv.bias`), which is what `forward_fuse` reads. Ultralytics sets every
 * BatchNorm's eps to 1e-3. The 3x3 `conv1` marks the block: an ultralytics
 * `Conv` called `conv` without it is another module, passed through.
 */
export const yolov10Scheme = defineNamingScheme({
  name: "yolov10",
  family: "yolov10_repvggdw",
  deploy: "conv",
  branches: [
    { conv: "conv.conv", bn: "conv.bn", depthwise: true },
    { conv: "conv1.conv", bn: "conv1.bn", required: true },
  ],
  markedBy: ["conv1.conv.weight"],
  genericRoots: ["conv", "conv1"],
  eps: 1e-3,
});
