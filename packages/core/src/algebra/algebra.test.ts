import { describe, expect, it } from "vitest";
import { avgPoolKernel } from "../branch/avgpool/avg-pool-kernel.js";
import { composeSequential } from "../branch/sequential/compose-sequential.js";
import { expandGroups } from "./expand-groups.js";
import { foldBatchNorm } from "./fold-batch-norm.js";
import { foldPostBatchNorm } from "./fold-post-batch-norm.js";
import { identityKernel } from "../branch/identity/identity-kernel.js";
import { hwcmToOihw, hwioToOihw, oihwToHwcm, oihwToHwio } from "../numeric/layout.js";
import { placeKernel } from "./place-kernel.js";
import { isReparamError, ReparamError } from "../contract/reparam-error.js";
import { sumBranches } from "./sum-branches.js";

const k = (data: number[], shape: [number, number, number, number]) => ({ data: Float64Array.from(data), shape });

describe("hand-checked algebra", () => {
  it("folds a BN: t = gamma / sqrt(var + eps), W' = W t, b' = beta + (b - mean) t", () => {
    const bn = { gamma: [3], beta: [1], mean: [0.5], variance: [3], eps: 1 };
    const noBias = foldBatchNorm(k([2, -4], [1, 2, 1, 1]), undefined, bn);
    expect([...noBias.kernel.data]).toEqual([3, -6]);
    expect([...noBias.bias]).toEqual([0.25]);
    const withBias = foldBatchNorm(k([2, -4], [1, 2, 1, 1]), [2], bn);
    expect([...withBias.bias]).toEqual([1 + 1.5 * 1.5]);
  });

  it("folds a post-sum BN into kernel and bias", () => {
    const out = foldPostBatchNorm(
      { kernel: k([1, 2], [1, 2, 1, 1]), bias: Float64Array.from([1]) },
      { gamma: [2], beta: [0], mean: [1], variance: [0], eps: 1 },
    );
    expect([...out.kernel.data]).toEqual([2, 4]);
    expect([...out.bias]).toEqual([0]); // (1 - 1) * 2 + 0
  });

  it("builds identity kernels for groups and depthwise at an explicit position", () => {
    expect([...identityKernel(4, 2).data]).toEqual([1, 0, 0, 1, 1, 0, 0, 1]);
    const dw = identityKernel(2, 2, 3, 3, 1, 1);
    expect(dw.shape).toEqual([2, 1, 3, 3]);
    expect([...dw.data]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(identityKernel(1, 1, 3, 3, 0, 0).data[0]).toBe(1);
  });

  it("places a kernel at an explicit offset, never silently at the centre", () => {
    const one = k([5], [1, 1, 1, 1]);
    expect([...placeKernel(one, 3, 3, 0, 0).data]).toEqual([5, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...placeKernel(one, 3, 3, 1, 1).data]).toEqual([0, 0, 0, 0, 5, 0, 0, 0, 0]);
    const err = (() => {
      try {
        placeKernel(one, 3, 3, 3, 0);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ReparamError);
    expect(isReparamError(err) && err.code).toBe("CORE_BAD_PLACEMENT");
  });

  it("expands a 2-group kernel to a dense one on the block diagonal", () => {
    // O = 2, groups 2: out 0 reads in 0 with 7, out 1 reads in 1 with 9.
    expect([...expandGroups(k([7, 9], [2, 1, 1, 1]), 2, 1).data]).toEqual([7, 0, 0, 9]);
    // 4 groups -> 2: out c reads in c; pairs share a group.
    expect([...expandGroups(k([1, 2, 3, 4], [4, 1, 1, 1]), 4, 2).data]).toEqual([1, 0, 0, 2, 3, 0, 0, 4]);
  });

  it("composes 1x1 -> kxk: K = K2 K1, b = b2 + sum K2 b1", () => {
    // C = 1 -> M = 2 -> O = 1, 1x2 kernel.
    const out = composeSequential(k([2, 3], [2, 1, 1, 1]), [1, -1], k([1, 10, 100, 1000], [1, 2, 1, 2]), [0.5], 1);
    expect(out.kernel.shape).toEqual([1, 1, 1, 2]);
    expect([...out.kernel.data]).toEqual([2 + 300, 20 + 3000]);
    expect([...out.bias]).toEqual([0.5 + (1 + 10) - (100 + 1000)]);
  });

  it("builds the average-pool kernel as 1/(kh kw) on each channel's own input", () => {
    const a = avgPoolKernel(2, 1, 1, 2);
    expect([...a.data]).toEqual([0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5]);
  });

  it("sums placed branches", () => {
    const s = sumBranches(
      [
        { kernel: k([1, 1, 1, 1], [1, 1, 2, 2]), bias: Float64Array.from([1]), offsetY: 0, offsetX: 0 },
        { kernel: k([5], [1, 1, 1, 1]), bias: Float64Array.from([2]), offsetY: 1, offsetX: 1 },
      ],
      [1, 1, 2, 2],
    );
    expect([...s.kernel.data]).toEqual([1, 1, 1, 6]);
    expect([...s.bias]).toEqual([3]);
  });

  it("converts HWIO and depthwise HWCM layouts both ways", () => {
    const hwio = Float64Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
    const oihw = hwioToOihw(hwio, [2, 3, 4, 5]);
    expect(oihw.shape).toEqual([5, 4, 2, 3]);
    expect(oihw.data[((1 * 4 + 2) * 2 + 1) * 3 + 0]).toBe(((1 * 3 + 0) * 4 + 2) * 5 + 1);
    expect([...oihwToHwio(oihw.data, oihw.shape).data]).toEqual([...hwio]);
    const hwcm = Float64Array.from({ length: 3 * 3 * 4 * 2 }, (_, i) => i);
    const dw = hwcmToOihw(hwcm, [3, 3, 4, 2]);
    expect(dw.shape).toEqual([8, 1, 3, 3]);
    expect(dw.data[(3 * 2 + 1) * 9 + 2 * 3 + 1]).toBe(((2 * 3 + 1) * 4 + 3) * 2 + 1);
    expect([...oihwToHwcm(dw.data, dw.shape, 4).data]).toEqual([...hwcm]);
  });
});
