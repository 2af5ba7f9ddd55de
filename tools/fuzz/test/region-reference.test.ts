import { avgPool, batchNorm, conv2d, padTensor } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { randomBn, randomKernel, randomVector } from "../src/_random-values.js";
import { Rng } from "../src/rng.js";
import { evaluateRegion } from "../src/region/evaluate-region.js";
import type { Pads4, Pair, RegionOp, RegionSpec } from "../src/region/region-spec.js";

/** A region of one op over x (the fields the evaluator reads). */
function one(op: RegionOp, inputShape: readonly number[]): RegionSpec {
  const base = { seed: 0, segments: [], cut: "none", ideal: 1, tags: [], klass: "", stages: 1, terms: 1 } as const;
  return { ...base, inputShape, ops: [op], output: op.out, outputShape: [] };
}

const close = (a: Float64Array, b: Float64Array) => a.every((v, i) => Math.abs(v - b[i]!) <= 1e-12 * (1 + Math.abs(v)));

// The region evaluator's direct loops against @reparam/test-utils' naive ops (written apart), on random geometries.
describe("evaluateRegion", () => {
  it("agrees with test-utils' conv2d on random convs (kernels 1..5, strides, dilations, groups, asymmetric pads)", () => {
    const rng = new Rng(11);
    for (let n = 0; n < 60; n++) {
      const g = rng.pick([1, 2, 4]);
      const [c, o] = [g * rng.int(1, 2), g * rng.int(1, 2)];
      const [h, w] = [rng.int(5, 9), rng.int(9, 12)];
      const kernel = randomKernel(rng, [o, c / g, rng.int(1, 5), rng.int(1, 5)]);
      const pads: Pads4 = [rng.int(0, 2), rng.int(0, 2), rng.int(0, 2), rng.int(0, 2)];
      const strides: Pair = [rng.int(1, 2), rng.int(1, 2)];
      const dilations: Pair = [1, rng.int(1, 2)];
      const bias = randomVector(rng, o);
      const x = { data: randomVector(rng, c * h * w), shape: [1, c, h, w] as const };
      const op = {
        kind: "conv",
        input: "x",
        out: "y",
        weight: kernel.data,
        shape: kernel.shape,
        bias,
        strides,
        dilations,
        pads,
        groups: g,
      } as const;
      const want = conv2d(x, {
        weight: kernel,
        bias,
        stride: strides,
        pads: [...pads],
        dilation: dilations,
        groups: g,
      });
      const got = evaluateRegion(one(op, x.shape), x);
      expect(got.shape).toEqual(want.shape);
      expect(close(got.data, want.data)).toBe(true);
    }
  });

  it("agrees with test-utils on BatchNormalization, AveragePool (counting pads) and Pad", () => {
    const rng = new Rng(5);
    const x = { data: randomVector(rng, 3 * 6 * 7), shape: [1, 3, 6, 7] as const };
    const bn = randomBn(rng, 3, 1e-3);
    const gotBn = evaluateRegion(one({ kind: "bn", input: "x", out: "y", ...bn }, x.shape), x);
    expect(close(gotBn.data, batchNorm(x, bn).data)).toBe(true);
    const pool = { kind: "pool", input: "x", out: "y", size: [3, 2], strides: [2, 1], pads: [1, 0, 2, 1] } as const;
    const want = avgPool(x, [3, 2], [2, 1], [1, 0, 2, 1]);
    const gotPool = evaluateRegion(one(pool, x.shape), x);
    expect([gotPool.shape, close(gotPool.data, want.data)]).toEqual([want.shape, true]);
    const pad = { kind: "pad", input: "x", out: "y", pads: [2, 1, 0, 3], value: -0.5 } as const;
    const gotPad = evaluateRegion(one(pad, x.shape), x);
    expect(close(gotPad.data, padTensor(x, [2, 1, 0, 3], () => -0.5).data)).toBe(true);
  });

  it("takes every constant, weight and BN term in absolute value for the magnitude", () => {
    const x = { data: Float64Array.of(-2, 3), shape: [1, 2] as const };
    const linear = {
      kind: "linear",
      input: "x",
      out: "l",
      weight: Float64Array.of(1, -1),
      shape: [1, 2],
      bias: Float64Array.of(-4),
      spelling: "gemm",
    } as const;
    const sub = {
      kind: "affine",
      input: "l",
      out: "s",
      op: "Sub",
      value: Float64Array.of(0.5),
      constFirst: true,
    } as const;
    const spec = { ...one(linear, x.shape), ops: [linear, sub], output: "s" };
    // value: 0.5 - (-2 - 3 - 4) = 9.5; magnitude: 2 + 3 + 4 + 0.5 = 9.5 as well, over |x|.
    expect(Array.from(evaluateRegion(spec, x).data)).toEqual([9.5]);
    expect(Array.from(evaluateRegion(spec, x, true).data)).toEqual([9.5]);
    const div = {
      kind: "affine",
      input: "x",
      out: "d",
      op: "Div",
      value: Float64Array.of(-4, 2),
      constFirst: false,
    } as const;
    expect(Array.from(evaluateRegion({ ...spec, ops: [div], output: "d" }, x, true).data)).toEqual([0.5, 1.5]);
  });
});
