import { defineNamingScheme } from "./naming-scheme.js";

/**
 * YOLOv7's `RepConv`: `rbr_dense` and `rbr_1x1` are `nn.Sequential(conv, BN)`
 * (`.0.weight`, `.1.*`), `rbr_identity` a BatchNorm when in == out and stride
 * 1; deploy conv `rbr_reparam`. YOLO training sets BatchNorm eps to 1e-3:
 * pass `eps: 1e-3` for such checkpoints.
 */
export const yolov7Scheme = defineNamingScheme({
  name: "yolov7",
  family: "repvgg",
  deploy: "rbr_reparam",
  branches: [
    { conv: "rbr_dense.0", bn: "rbr_dense.1" },
    { conv: "rbr_1x1.0", bn: "rbr_1x1.1" },
    { identity: "rbr_identity" },
  ],
});
