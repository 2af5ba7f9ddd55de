import { fuseBlock, type Block } from "@reparam/core";

// A RepVGG block over one channel: 3x3 conv + 1x1 conv + identity with a BatchNorm.
const block: Block = {
  name: "stage1.0",
  inChannels: 1,
  branches: [
    {
      kind: "conv",
      kernel: { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), shape: [1, 1, 3, 3] },
      stride: [1, 1],
      pads: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: 1,
    },
    {
      kind: "conv",
      kernel: { data: Float32Array.from([2]), shape: [1, 1, 1, 1] },
      stride: [1, 1],
      pads: [0, 0, 0, 0],
      dilation: [1, 1],
      groups: 1,
    },
    // BN(x) = 2 (x - 0) / sqrt(3 + 1) + 0.5 = x + 0.5
    { kind: "identity", bn: { gamma: [2], beta: [0.5], mean: [0], variance: [3], eps: 1 } },
  ],
};

const result = fuseBlock(block);
if (!result.ok) throw new Error(`${result.refusal.reason}: ${result.refusal.message}`);
const { kernel, bias, pads } = result.conv;
console.log("kernel", kernel.shape.join("x"), [...kernel.data]); // kernel 1x1x3x3 [1, 2, 3, 4, 8, 6, 7, 8, 9]
console.log("bias", [...bias], "pads", pads); // bias [0.5] pads [1, 1, 1, 1]
