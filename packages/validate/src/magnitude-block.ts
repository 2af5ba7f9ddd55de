import type { BatchNorm, Block, Branch, Kernel } from "@reparam/core";
import type { SingleConv } from "./block-model.js";

const abs = (v: ArrayLike<number>): Float64Array => Float64Array.from(v as ArrayLike<number>, Math.abs);

/**
 * A BatchNorm whose output on a non-negative input y is |t| (y + |mean|) +
 * |beta|: an upper bound of the magnitudes inside BN(y) = t (y - mean) +
 * beta (the subtraction, the product, the sum) when y bounds |y|.
 */
function magnitudeBn(bn: BatchNorm): BatchNorm {
  return {
    gamma: abs(bn.gamma),
    beta: abs(bn.beta),
    mean: Float64Array.from(bn.mean as ArrayLike<number>, (m) => -Math.abs(m)),
    variance: bn.variance,
    eps: bn.eps,
  };
}

interface Parts {
  readonly kernel: Kernel;
  readonly bias?: ArrayLike<number>;
  readonly bn?: BatchNorm;
}

function magnitudeParts<P extends Parts>(p: P): P {
  return {
    ...p,
    kernel: { data: abs(p.kernel.data), shape: p.kernel.shape },
    ...(p.bias ? { bias: abs(p.bias) } : {}),
    ...(p.bn ? { bn: magnitudeBn(p.bn) } : {}),
  };
}

function magnitudeBranch(b: Branch): Branch {
  switch (b.kind) {
    case "conv":
      return magnitudeParts(b);
    case "identity":
    case "avgpool":
      return b.bn === undefined ? b : { ...b, bn: magnitudeBn(b.bn) };
    case "sequential":
      return { ...b, first: magnitudeParts(b.first), second: magnitudeParts(b.second) };
  }
}

/**
 * The magnitude model of a block: every kernel, bias and BatchNorm term in
 * absolute value, so that run on |x| it gives, per output element, M = the
 * sum of the magnitudes of everything the train-time block adds up there
 * (sum |w||x| + |bias|, scaled by |t| with |mean| and |beta| added, through
 * every branch and the post-BN). Float rounding errors of the block, in any
 * order of operations, are bounded by a multiple of u * M.
 */
export function magnitudeBlock(block: Block): Block {
  return {
    ...block,
    branches: block.branches.map(magnitudeBranch),
    ...(block.postBn ? { postBn: magnitudeBn(block.postBn) } : {}),
    ...(block.preBn ? { preBn: magnitudeBn(block.preBn) } : {}),
  };
}

/** The fused conv with |W| and |b|: run on |x| it gives sum |W||x| + |b| per output element. */
export function magnitudeConv<C extends SingleConv>(conv: C): C {
  return { ...conv, kernel: { ...conv.kernel, data: abs(conv.kernel.data) }, bias: abs(conv.bias) };
}
