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
