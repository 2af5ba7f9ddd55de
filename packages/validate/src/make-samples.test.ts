import { describe, expect, it } from "vitest";
import { isReparamError } from "@reparam/core";
import { makeSamples } from "./make-samples.js";
import type { TensorSpec } from "./numeric-tensor.js";
import { resolveShape } from "./resolve-shape.js";

const image: TensorSpec = { name: "x", dtype: "float32", dims: ["batch", 3, 4, 4] };
const mask: TensorSpec = { name: "m", dtype: "float32", dims: [null, 2] };

describe("makeSamples", () => {
  it("makes `count` seeded samples, the same every time, different per sample and input", async () => {
    const a = await makeSamples([image, mask], { seed: 7, count: 3 });
    const b = await makeSamples([image, mask], { seed: 7, count: 3 });
    expect(a).toEqual(b);
    expect(a).toHaveLength(3);
    expect(a[0]!.feeds.map((f) => f.shape)).toEqual([
      [1, 3, 4, 4],
      [1, 2],
    ]);
    expect(a[0]!.feeds[0]!.data).not.toEqual(a[1]!.feeds[0]!.data);
    const c = await makeSamples([image], { seed: 8, count: 1 });
    expect(c[0]!.feeds[0]!.data).not.toEqual(a[0]!.feeds[0]!.data);
    for (const v of a[0]!.feeds[0]!.data as Float32Array) expect(v >= -1 && v < 1).toBe(true);
    expect(a[2]!.label).toBe("random, seed 7, sample 2");
  });

  it("sizes dynamic dims by name, then '*', else 1", () => {
    expect(resolveShape(image, { batch: 4 })).toEqual([4, 3, 4, 4]);
    expect(resolveShape(mask, { batch: 4, "*": 2 })).toEqual([2, 2]);
    expect(resolveShape(mask)).toEqual([1, 2]);
    expect(() => resolveShape({ name: "z", dtype: "float32", dims: null })).toThrow(/input has no declared shape/);
  });

  it("assigns given values to inputs by name, unnamed ones in order, sample after sample", async () => {
    const x = (v: number) => ({ data: new Float32Array(48).fill(v), shape: [1, 3, 4, 4], label: `x${v}` });
    const m = (v: number) => ({ name: "m", data: new Float32Array(2).fill(v), label: `m${v}` });
    const s = await makeSamples([image, mask], { inputs: [m(1), x(1), x(2), m(2)] });
    expect(s.map((q) => q.label)).toEqual(["x=x1, m=m1", "x=x2, m=m2"]);
    expect(s[1]!.feeds[1]!.data[0]).toBe(2);
  });

  it("refuses values that do not fit, uneven counts and non-float32 inputs", async () => {
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => "no error",
        (e: unknown) => (isReparamError(e) ? `${e.code}: ${e.message}` : String(e)),
      );
    expect(await code(makeSamples([image], { inputs: [{ data: new Float32Array(5) }] }))).toMatch(
      /^VALIDATE_BAD_INPUT: input value does not fit/,
    );
    expect(await code(makeSamples([image], { inputs: [{ data: new Float32Array(96), shape: [2, 3, 4, 4] }] }))).toBe(
      "no error",
    );
    expect(await code(makeSamples([image], { inputs: [{ data: new Float32Array(48), shape: [1, 4, 3, 4] }] }))).toMatch(
      /does not fit/,
    );
    expect(await code(makeSamples([image, mask], { inputs: [{ data: new Float32Array(48) }] }))).toMatch(
      /same number of values/,
    );
    expect(await code(makeSamples([image], { inputs: [{ name: "nope", data: new Float32Array(48) }] }))).toMatch(
      /names no model input/,
    );
    expect(await code(makeSamples([{ ...mask, dtype: "int64" }]))).toMatch(/only float32 model inputs/);
    expect(await code(makeSamples([image], { count: 0 }))).toMatch(/^VALIDATE_BAD_OPTION/);
  });
});
