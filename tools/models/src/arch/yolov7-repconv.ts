import type { Arch } from "./arch.js";
import { YOLOV7_NAMES } from "./block-names.js";
import { repBlock } from "./rep-block.js";

/** Options of {@link yolov7RepconvArch}. */
export interface Yolov7RepconvOptions {
  readonly name: string;
  /** `[outChannels, stride]` of each `RepConv`, in order. */
  readonly layers?: readonly (readonly [number, number])[];
  readonly inputSize?: number;
}

/**
 * A YOLOv7-style backbone made only of `RepConv` blocks (`model.<i>`):
 * 3x3 conv+BN (`rbr_dense.0`/`.1`), 1x1 conv+BN (`rbr_1x1.0`/`.1`), identity
 * BN when shapes allow, SiLU; BN eps 1e-3 (YOLO's `initialize_weights`).
 * No head: the output is the last feature map. Default layers:
 * 32/2, 64/2, 64/1, 128/2, 128/1, 256/2, 256/1.
 */
export function yolov7RepconvArch(o: Yolov7RepconvOptions): Arch {
  const layers = o.layers ?? [
    [32, 2],
    [64, 2],
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
  ];
  let c = 3;
  const blocks = layers.map(([out, stride], i) => {
    const b = repBlock({
      path: `model.${i}`,
      inChannels: c,
      outChannels: out,
      stride,
      names: YOLOV7_NAMES,
      activation: "silu",
    });
    c = out;
    return b;
  });
  return {
    name: o.name,
    family: "yolov7",
    form: "train",
    inChannels: 3,
    inputSize: o.inputSize ?? 224,
    bnEps: 1e-3,
    blocks,
  };
}
