import { defineNamingScheme } from "./naming-scheme.js";

/**
 * YOLOv9's `RepConvN`: conv3x3+BN `conv1` + conv1x1+BN `conv2` (+ a BatchNorm
 * `bn` on X when built with bn=True), trained with BatchNorm eps 1e-3; deploy
 * conv `conv`. A `conv1` under 3x3 is another module (a CSP stage's 1x1
 * `conv1`/`conv2` pair is not a sum), passed through, and so is a `conv1`
 * without any `conv2` (a network's stem `conv1` + `bn`).
 */
export const yolov9Scheme = defineNamingScheme({
  name: "yolov9",
  family: "yolov9_repconvn",
  deploy: "conv",
  branches: [
    { conv: "conv1.conv", bn: "conv1.bn", minKernel: 3 },
    { conv: "conv2.conv", bn: "conv2.bn", required: true, kernel: 1 },
    { identity: "bn" },
  ],
  markedBy: ["conv2.conv.weight"],
  genericRoots: ["conv1", "conv2", "bn"],
  eps: 1e-3,
});
