import { addTensors, avgPool, batchNorm, conv2d, padTensor, type Tensor4 } from "@reparam/test-utils";
import type { Block, Branch, FusedConv } from "../src/index.js";

/** The branches' sum as the train-time network computes it, with the naive reference ops. */
export function evaluateBranch(b: Branch, x: Tensor4): Tensor4 {
  switch (b.kind) {
    case "identity":
      return b.bn === undefined ? x : batchNorm(x, b.bn);
    case "avgpool": {
      const y = avgPool(x, b.size, b.stride, b.pads);
      return b.bn === undefined ? y : batchNorm(y, b.bn);
    }
    case "conv": {
      const y = conv2d(x, {
        weight: b.kernel,
        ...(b.bias ? { bias: b.bias } : {}),
        stride: b.stride,
        pads: b.pads,
        dilation: b.dilation,
        groups: b.groups,
      });
      return b.bn === undefined ? y : batchNorm(y, b.bn);
    }
    case "sequential": {
      let mid = conv2d(x, {
        weight: b.first.kernel,
        ...(b.first.bias ? { bias: b.first.bias } : {}),
        groups: b.groups,
      });
      if (b.first.bn !== undefined) mid = batchNorm(mid, b.first.bn);
      // DBB's BNAndPad: pad with what the 1x1 (+BN) gives for a zero input.
      const zero = conv2d(
        { data: new Float64Array(x.shape[1]), shape: [1, x.shape[1], 1, 1] },
        { weight: b.first.kernel, ...(b.first.bias ? { bias: b.first.bias } : {}), groups: b.groups },
      );
      const zr = b.first.bn === undefined ? zero : batchNorm(zero, b.first.bn);
      const fill = b.padding === "first-output" ? (c: number) => zr.data[c]! : () => 0;
      const padded = padTensor(mid, b.pads, fill);
      const y = conv2d(padded, {
        weight: b.second.kernel,
        ...(b.second.bias ? { bias: b.second.bias } : {}),
        stride: b.stride,
        dilation: b.dilation,
        groups: b.groups,
      });
      return b.second.bn === undefined ? y : batchNorm(y, b.second.bn);
    }
  }
}

/** The pre-BN, the sum of branches, then the post-BN: the train-time block. */
export function evaluateBlock(block: Block, x: Tensor4): Tensor4 {
  const input = block.preBn === undefined ? x : batchNorm(x, block.preBn);
  const sum = addTensors(block.branches.map((b) => evaluateBranch(b, input)));
  return block.postBn === undefined ? sum : batchNorm(sum, block.postBn);
}

/** The deploy conv on x. */
export function evaluateFused(conv: FusedConv, x: Tensor4): Tensor4 {
  return conv2d(x, {
    weight: conv.kernel,
    bias: conv.bias,
    stride: conv.stride,
    pads: conv.pads,
    dilation: conv.dilation,
    groups: conv.groups,
  });
}
