import { describe, expect, it } from "vitest";
import { compareTensors, RELATIVE_ERROR_FLOOR, unravelIndex } from "./compare-tensors.js";
import { percentile } from "./error-stats.js";
import { DEFAULT_TOLERANCES, isClose, resolveTolerances } from "./tolerances.js";

const t = (data: number[], shape = [2, 3], dtype = "float32") => ({ name: "y", dtype, shape, data });

describe("compareTensors on a hand-computed case", () => {
  // b (original):  [ 1, -2,    0,    4,  0.5, 10    ]
  // a (converted): [ 1.0005, -2, 1e-5, 3.99, 0.5, 10.02 ]
  // |a - b|:       [ 5e-4, 0, 1e-5, 1e-2, 0, 2e-2 ]
  // atol + rtol|b| at (1e-4, 1e-3): [1.1e-3, 2.1e-3, 1e-4, 4.1e-3, 6e-4, 1.01e-2]
  //   -> elements 3 and 5 fail: 2 mismatched.
  const b = [1, -2, 0, 4, 0.5, 10];
  const a = [1.0005, -2, 1e-5, 3.99, 0.5, 10.02];
  // Hand-computed below for atol 1e-4, rtol 1e-3.
  const r = compareTensors(t(a), t(b), { atol: 1e-4, rtol: 1e-3 });

  it("counts the elements outside |a - b| <= atol + rtol * |b|", () => {
    expect(r.passed).toBe(false);
    expect(r.elements).toBe(6);
    expect(r.mismatched).toBe(2);
    expect(r.problems).toEqual(["2 of 6 elements outside atol 0.0001 + rtol 0.001 * |b|"]);
  });

  it("gives max, mean, median and p99 of the absolute error", () => {
    const e = r.absError!;
    expect(e.max).toBeCloseTo(2e-2, 12);
    expect(e.mean).toBeCloseTo((5e-4 + 1e-5 + 1e-2 + 2e-2) / 6, 12); // 0.005085
    // sorted [0, 0, 1e-5, 5e-4, 1e-2, 2e-2]: position 2.5 -> (1e-5 + 5e-4) / 2
    expect(e.median).toBeCloseTo(2.55e-4, 12);
    // position 5 * 0.99 = 4.95 -> 1e-2 + 0.95 * (2e-2 - 1e-2)
    expect(e.p99).toBeCloseTo(1.95e-2, 12);
  });

  it("divides the relative error by max(|b|, 2^-126)", () => {
    const e = r.relError!;
    expect(e.max).toBeCloseTo(1e-5 / RELATIVE_ERROR_FLOOR, -20); // b = 0: the floor
    expect(e.max / (1e-5 / 2 ** -126)).toBeCloseTo(1, 6);
    // sorted rel [0, 0, 5e-4, 2e-3, 2.5e-3, huge]: median (5e-4 + 2e-3) / 2
    expect(e.median).toBeCloseTo(1.25e-3, 9);
  });

  it("locates the worst element by index and coordinates", () => {
    expect(r.worst).toMatchObject({ index: 5, at: [1, 2], actual: 10.02, expected: 10 });
    expect(r.worst!.absError).toBeCloseTo(2e-2, 12);
    expect(r.worst!.relError).toBeCloseTo(2e-3, 12);
  });

  it("gives the smallest atol and rtol that would pass", () => {
    // atol needed at rtol 1e-3: max(|a-b| - 1e-3|b|) = element 5: 2e-2 - 1e-2 = 1e-2
    expect(r.minAtol).toBeCloseTo(1e-2, 12);
    // rtol needed at atol 1e-4: max((|a-b| - 1e-4) / |b|) over |a-b| > 1e-4:
    //   element 0: 4e-4, element 3: (1e-2 - 1e-4) / 4 = 2.475e-3, element 5: 1.99e-3
    expect(r.minRtol).toBeCloseTo(2.475e-3, 12);
    // ... and with them (plus rounding room) everything passes.
    expect(compareTensors(t(a), t(b), { atol: r.minAtol! * (1 + 1e-9), rtol: 1e-3 }).passed).toBe(true);
    expect(compareTensors(t(a), t(b), { atol: 1e-4, rtol: r.minRtol! * (1 + 1e-9) }).passed).toBe(true);
  });

  it("checks argmax and top-k of [N, K] outputs", () => {
    expect(r.classifier).toEqual({ rows: 2, argmaxAgree: 2, k: 3, topKAgree: 2, topKOverlap: 1 });
    const swapped = compareTensors(t([0.1, 0.9, 0.5], [1, 3]), t([0.9, 0.1, 0.5], [1, 3]), DEFAULT_TOLERANCES);
    expect(swapped.classifier).toMatchObject({ argmaxAgree: 0, topKAgree: 1 });
    const k5 = compareTensors(t([0, 1, 2, 3, 4, 5, 6], [1, 7]), t([6, 5, 4, 3, 2, 1, 0], [1, 7]), DEFAULT_TOLERANCES);
    expect(k5.classifier).toMatchObject({ k: 5, argmaxAgree: 0, topKAgree: 0, topKOverlap: 3 / 5 });
  });
});

describe("compareTensors edge cases", () => {
  it("passes identical tensors with zero error and no classifier section for 4-D", () => {
    const r = compareTensors(t([1, 2], [1, 2, 1, 1]), t([1, 2], [1, 2, 1, 1]), DEFAULT_TOLERANCES);
    expect(r).toMatchObject({ passed: true, mismatched: 0, minAtol: 0, minRtol: 0, problems: [] });
    expect(r.absError).toEqual({ max: 0, mean: 0, median: 0, p99: 0 });
    expect(r.classifier).toBeUndefined();
  });

  it("fails NaN (equal_nan false) and counts non-finite values; same infinities pass", () => {
    const r = compareTensors(t([NaN, Infinity, 1]), t([NaN, Infinity, 1], [3]), DEFAULT_TOLERANCES);
    expect(r.passed).toBe(false);
    expect(r.problems[0]).toMatch(/shape/);
    const s = compareTensors(t([NaN, Infinity, 1], [3]), t([1, Infinity, 1], [3]), DEFAULT_TOLERANCES);
    expect(s).toMatchObject({ passed: false, mismatched: 1, minAtol: null, minRtol: null });
    expect(s.problems[0]).toBe("non-finite values: converted 1 NaN, 1 infinite; original 0 NaN, 1 infinite");
    expect(s.nonFinite).toEqual({ actualNaN: 1, actualInf: 1, expectedNaN: 0, expectedInf: 1 });
    expect(s.absError).toEqual({ max: 0, mean: 0, median: 0, p99: 0 }); // only the finite pair
    expect(compareTensors(t([Infinity], [1]), t([Infinity], [1]), DEFAULT_TOLERANCES).passed).toBe(true);
    expect(compareTensors(t([-Infinity], [1]), t([Infinity], [1]), DEFAULT_TOLERANCES).passed).toBe(false);
  });

  it("fails a shape or dtype mismatch with a reason", () => {
    const shape = compareTensors(t([1, 2, 3, 4, 5, 6], [3, 2]), t([1, 2, 3, 4, 5, 6]), DEFAULT_TOLERANCES);
    expect(shape).toMatchObject({
      passed: false,
      absError: null,
      worst: null,
      problems: ["shape [3, 2], expected [2, 3]"],
    });
    const dtype = compareTensors(t([1], [1], "float16"), t([1], [1]), DEFAULT_TOLERANCES);
    expect(dtype).toMatchObject({ passed: false, problems: ["dtype float16, expected float32"] });
  });

  it("needs rtol = none when b = 0 beyond atol", () => {
    const r = compareTensors(t([1e-3], [1]), t([0], [1]), DEFAULT_TOLERANCES);
    expect(r).toMatchObject({ passed: false, minRtol: null });
    expect(r.minAtol).toBeCloseTo(1e-3, 15);
  });
});

describe("the scale rule and per-element bounds", () => {
  // b = [100, -0.001, 3], a = [100.0005, 0.0001, 3]: |a - b| = [5e-4, 1.1e-3, 0]
  const b = [100, -0.001, 3];
  const a = [100.0005, 0.0001, 3];

  it("allows scale * max|b| to every element, however small the element", () => {
    // default: 1e-5 * 100 = 1e-3 -> element 1 (1.1e-3) fails, element 0 (5e-4) passes
    const r = compareTensors(t(a, [3]), t(b, [3]), DEFAULT_TOLERANCES);
    expect(r).toMatchObject({ passed: false, mismatched: 1, problems: ["1 of 3 elements outside 0.00001 * max|b|"] });
    expect(r.used).toBeCloseTo(1.1, 12);
    const loose = compareTensors(t(a, [3]), t(b, [3]), { atol: 0, rtol: 0, scale: 2e-5 });
    expect(loose).toMatchObject({ passed: true, mismatched: 0 });
    expect(loose.used).toBeCloseTo(0.55, 12);
  });

  it("adds a per-element bound, and reports the share of the allowance used", () => {
    const exact = { atol: 0, rtol: 0, scale: 0 };
    const r = compareTensors(t(a, [3]), t(b, [3]), exact, [1e-3, 1e-3, 0]);
    expect(r).toMatchObject({
      passed: false,
      mismatched: 1,
      problems: ["1 of 3 elements outside the block's derived bound"],
    });
    expect(r.used).toBeCloseTo(1.1, 12);
    expect(compareTensors(t(a, [3]), t(b, [3]), exact, [6e-4, 1.2e-3, 0]).passed).toBe(true);
    expect(() => compareTensors(t(a, [3]), t(b, [3]), exact, [1])).toThrow(RangeError);
  });
});

describe("helpers", () => {
  it("follows numpy.isclose (isClose)", () => {
    const tol = { atol: 1e-4, rtol: 1e-3 };
    expect(isClose(10.0102, 10, tol)).toBe(false); // 1.02e-2 > 1e-4 + 1e-2
    expect(isClose(10.01, 10, tol)).toBe(true);
    expect(isClose(0, 1e-4, tol)).toBe(true); // 1e-4 <= 1e-4 + 1e-7
    expect(isClose(NaN, NaN, tol)).toBe(false);
  });

  it("fills defaults and refuses negatives (resolveTolerances)", () => {
    expect(resolveTolerances({})).toEqual({ atol: 0, rtol: 0, scale: 1e-5 });
    expect(resolveTolerances({ rtol: 0 })).toEqual({ atol: 1e-5, rtol: 0, scale: 0 });
    expect(resolveTolerances({ atol: 1e-3, scale: 1e-6 })).toEqual({ atol: 1e-3, rtol: 1e-4, scale: 1e-6 });
    expect(() => resolveTolerances({ atol: -1 })).toThrow(/atol must be a finite number >= 0/);
  });

  it("unravels flat indices and takes percentiles (unravelIndex, percentile)", () => {
    expect(unravelIndex(27, [1, 16, 4, 4])).toEqual([0, 1, 2, 3]);
    expect(unravelIndex(0, [])).toEqual([]);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([5], 99)).toBe(5);
  });
});
