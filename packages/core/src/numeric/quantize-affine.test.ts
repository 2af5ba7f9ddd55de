import { describe, expect, it } from "vitest";
import { quantizeAffine } from "./quantize-affine.js";

describe("quantizeAffine", () => {
  it("spans the values with a fresh grid and stays within half a step", () => {
    const values = [-1, -0.25, 0, 0.3, 1.55];
    const r = quantizeAffine(values, "uint8");
    expect(r.min).toBe(-1);
    expect(r.scale).toBe(2.55 / 255);
    expect(r.range).toBe(2.55);
    expect([...r.bytes]).toEqual([0, 75, 100, 130, 255]);
    expect(r.maxError).toBeLessThanOrEqual(r.scale / 2 + 2 ** -24 * 1.55);
    expect(r.keptRange).toBe(false);
  });

  it("keeps the input's grid and bytes when every value is still on it", () => {
    const grid = { min: -0.5, scale: 0.01 };
    const q = [3, 0, 65535, 1000];
    const values = q.map((k) => Math.fround(k * grid.scale + grid.min));
    const r = quantizeAffine(values, "uint16", grid);
    expect(r.keptRange).toBe(true);
    expect([...new Uint16Array(r.bytes.buffer)]).toEqual(q);
    expect(r.maxError).toBe(0);
    expect(r).toMatchObject(grid);
  });

  it("makes a fresh grid when a value left the input's grid", () => {
    const r = quantizeAffine([0.1234567, 0.5], "uint8", { min: 0, scale: 0.1 });
    expect(r.keptRange).toBe(false);
    expect(r.min).toBe(0.1234567);
  });

  it("stores a constant tensor exactly with scale 1", () => {
    const r = quantizeAffine([0.75, 0.75], "uint8");
    expect(r).toMatchObject({ min: 0.75, scale: 1, range: 0, maxError: 0 });
    expect([...r.bytes]).toEqual([0, 0]);
  });
});

/** The definition, naively: Math.round to the fresh grid, clamped, and the error measured on the stored integers. */
function reference(
  values: ArrayLike<number>,
  qmax: number,
): { q: number[]; min: number; scale: number; maxError: number } {
  const all = Array.from(values);
  const lo = Math.min(...all);
  const range = Math.max(...all) - lo;
  const scale = range > 0 ? range / qmax : 1;
  const rounded = all.map((v) => Math.min(qmax, Math.max(0, Math.round((v - lo) / scale))));
  const q = [...(qmax === 255 ? Uint8Array : Uint16Array).from(rounded)]; // as stored (NaN from 0 / 0 is 0)
  const maxError = Math.max(0, ...all.map((v, i) => Math.abs(Math.fround(q[i]! * scale + lo) - v)));
  return { q, min: lo, scale, maxError };
}

describe("quantizeAffine on a fresh grid", () => {
  // Grid min 0, scale 1: each value is its own grid coordinate. 0.5 - 2^-54 is the one x >= 0 whose
  // x + 0.5 rounds up to an integer in float64; ties (k + 0.5) go up, as Math.round does.
  const edges = [0, 0.5 - 2 ** -54, 0.5, 1.5, 2.5, 254.5, 254.49999999999997, 3 - 2 ** -51, 7 + 2 ** -50];

  it.each([
    ["uint8", 255],
    ["uint16", 65535],
  ] as const)("stores %s integers as Math.round does, edges and 20,000 random values", (dtype, qmax) => {
    let s = 12345;
    const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sets = [
      new Float64Array([...edges, qmax]),
      Float64Array.from({ length: 20000 }, () => (random() - 0.3) * 0.07),
      Float64Array.from({ length: 20000 }, () => Math.round(random() * qmax) + (random() < 0.5 ? 0.5 : 0)),
      Float64Array.from({ length: 2000 }, (_, i) => (i % 7) * 2 ** -1070), // a subnormal range and scale
    ];
    for (const values of sets) {
      const r = quantizeAffine(values, dtype);
      const want = reference(values, qmax);
      const got = dtype === "uint8" ? [...r.bytes] : [...new Uint16Array(r.bytes.buffer)];
      expect(got).toEqual(want.q);
      expect({ min: r.min, scale: r.scale, maxError: r.maxError }).toEqual({
        min: want.min,
        scale: want.scale,
        maxError: want.maxError,
      });
    }
  });

  it("writes into the buffer it is given when it fits, and into new memory when not", () => {
    const into = new Uint8Array(8);
    expect(quantizeAffine([0, 1, 2, 3], "uint16", undefined, into).bytes).toBe(into);
    expect([...new Uint16Array(into.buffer)]).toEqual([0, 21845, 43690, 65535]);
    expect(quantizeAffine([0, 1, 2], "uint16", undefined, into).bytes).not.toBe(into);
    expect(quantizeAffine([0, 1, 2, 3], "uint16", undefined, new Uint8Array(9).subarray(1)).bytes.byteOffset).toBe(0);
  });
});
