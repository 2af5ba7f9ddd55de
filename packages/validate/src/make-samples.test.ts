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

  it("sizes dynamic dims by name, then '*', else 1 for a batch dim and 64 for a free one", () => {
    expect(resolveShape(image, { batch: 4 })).toEqual([4, 3, 4, 4]);
    expect(resolveShape(mask, { batch: 4, "*": 2 })).toEqual([2, 2]);
    expect(resolveShape(mask)).toEqual([1, 2]);
    expect(() => resolveShape({ name: "z", dtype: "float32", dims: null })).toThrow(/input has no declared shape/);
    expect(resolveShape({ name: "z", dtype: "float32", dims: null }, {}, 64, { z: [1, 1, 16] })).toEqual([1, 1, 16]);
    expect(resolveShape({ name: "a", dtype: "float32", dims: ["N", 3, "height", "width"] })).toEqual([1, 3, 64, 64]);
    expect(resolveShape({ name: "s", dtype: "float32", dims: ["time", "batch", 8] }, {}, 32)).toEqual([32, 1, 8]);
  });

  it("assigns given values to inputs by name, unnamed ones in order, sample after sample", async () => {
    const x = (v: number) => ({ data: new Float32Array(48).fill(v), shape: [1, 3, 4, 4], label: `x${v}` });
    const m = (v: number) => ({ name: "m", data: new Float32Array(2).fill(v), label: `m${v}` });
    const s = await makeSamples([image, mask], { inputs: [m(1), x(1), x(2), m(2)] });
    expect(s.map((q) => q.label)).toEqual(["x=x1, m=m1", "x=x2, m=m2"]);
    expect(s[1]!.feeds[1]!.data[0]).toBe(2);
  });

  it("feeds integer, bool, float16 and rank-0 inputs in their own dtype, and `values` as given", async () => {
    const specs: TensorSpec[] = [
      { name: "sr", dtype: "int64", dims: [] },
      { name: "img", dtype: "int32", dims: [1, 3, 4, 4] },
      { name: "flag", dtype: "bool", dims: [] },
      { name: "h", dtype: "float16", dims: [1, 2] },
    ];
    const [s] = await makeSamples(specs, { count: 1, values: { sr: 16000 } });
    expect(s!.feeds.map((f) => [f.dtype, f.shape])).toEqual([
      ["int64", []],
      ["int32", [1, 3, 4, 4]],
      ["bool", []],
      ["float16", [1, 2]],
    ]);
    expect(s!.feeds[0]!.data[0]).toBe(16000);
    for (const v of Array.from(s!.feeds[1]!.data)) expect(Number.isInteger(v) && v >= 0 && v < 16).toBe(true);
    expect([0, 1]).toContain(s!.feeds[2]!.data[0]);
    const given = await makeSamples(specs.slice(0, 2), {
      inputs: [{ data: new Float32Array(48) }],
      values: { sr: 8000 },
    });
    expect(given[0]!.feeds.map((f) => f.data[0])).toEqual([8000, 0]);
  });

  it("refuses values that do not fit, uneven counts and non-tensor inputs", async () => {
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
    expect(await code(makeSamples([{ ...mask, dtype: "string" }]))).toMatch(/cannot feed this input dtype/);
    expect(await code(makeSamples([image], { shapes: { y: [1] } }))).toMatch(/^VALIDATE_BAD_OPTION: --shape names no/);
    expect(await code(makeSamples([image], { shapes: { x: [1, 4, 4, 4] } }))).toMatch(/--shape does not fit/);
    expect(await code(makeSamples([image], { shapes: { x: [2, 3, 4, 4] } }))).toBe("no error");
    expect(await code(makeSamples([image], { count: 0 }))).toMatch(/^VALIDATE_BAD_OPTION/);
  });
});
