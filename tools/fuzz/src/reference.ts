import { addTensors, avgPool, batchNorm, conv2d, padTensor, type Tensor4 } from "@reparam/test-utils";
import type { BlockSpec, BnSpec, BranchSpec, KernelSpec } from "./block-spec.js";
import { bnAffine, magnitudeSpec } from "./map-spec.js";

type Stage = { readonly kernel: KernelSpec; readonly bias?: Float64Array; readonly bn?: BnSpec };

const bnOf = (x: Tensor4, bn: BnSpec | undefined): Tensor4 => (bn === undefined ? x : batchNorm(x, bn));

/** What a 1x1 (+bias) (+BN) gives for a zero input, per channel: DBB's BNAndPad border value. */
function zeroResponse(first: Stage): Float64Array {
  const m = first.kernel.shape[0];
  const v = new Float64Array(m);
  for (let c = 0; c < m; c++) v[c] = first.bias?.[c] ?? 0;
  if (first.bn === undefined) return v;
  const { scale, shift } = bnAffine(first.bn);
  return v.map((b, c) => b * scale[c]! + shift[c]!);
}

function branchOutput(spec: BlockSpec, b: BranchSpec, x: Tensor4): Tensor4 {
  const s: [number, number] = [spec.stride, spec.stride];
  switch (b.kind) {
    case "conv":
      return bnOf(
        conv2d(x, {
          weight: b.kernel,
          ...(b.bias ? { bias: b.bias } : {}),
          stride: s,
          pads: b.pads,
          dilation: b.dilation,
          groups: b.groups,
        }),
        b.bn,
      );
    case "identity":
      return bnOf(x, b.bn);
    case "avgpool":
      return bnOf(avgPool(x, b.size, s, b.pads), b.bn);
    case "sequential": {
      const y1 = bnOf(
        conv2d(x, { weight: b.first.kernel, ...(b.first.bias ? { bias: b.first.bias } : {}), groups: b.groups }),
        b.first.bn,
      );
      const v = zeroResponse(b.first);
      const padded = padTensor(y1, b.pads, (c) => v[c]!);
      if (b.pool !== undefined) return bnOf(avgPool(padded, b.pool.size, s, [0, 0, 0, 0]), b.pool.bn);
      const second = b.second!;
      return bnOf(
        conv2d(padded, {
          weight: second.kernel,
          ...(second.bias ? { bias: second.bias } : {}),
          stride: s,
          groups: b.groups,
        }),
        second.bn,
      );
    }
  }
}

/**
 * Evaluates a block in float64 with the naive ops of `@reparam/test-utils`:
 * the sum of its branches over x ([1, C, H, W]), the post-sum BN, then the
 * activation (unless `activation` is false).
 */
export function evaluateBlock(spec: BlockSpec, x: Tensor4, activation = true): Tensor4 {
  const sum = addTensors(spec.branches.map((b) => branchOutput(spec, b, x)));
  const y = bnOf(sum, spec.postBn);
  if (!activation || spec.activation === "none") return y;
  return { data: y.data.map((v) => Math.max(v, 0)), shape: y.shape };
}

/** The float64 reference R of a block's output and its magnitude M, element by element. */
export interface Reference {
  readonly value: Tensor4;
  readonly magnitude: Tensor4;
}

/**
 * R = the block on x; M = the magnitude spec (every weight, bias, BN scale
 * and shift in absolute value) on |x|, no activation (ReLU is 1-Lipschitz).
 */
export function referenceOf(spec: BlockSpec, x: Tensor4): Reference {
  const absX = { data: x.data.map(Math.abs), shape: x.shape };
  return { value: evaluateBlock(spec, x), magnitude: evaluateBlock(magnitudeSpec(spec), absX, false) };
}
