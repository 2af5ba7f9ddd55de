import { describe, expect, it } from "vitest";
import { div, mul, real, sqrt, toFloat16, toFloat32 } from "./exact.js";

describe("exact reals", () => {
  it("converts floats exactly and rounds like Math.fround", () => {
    for (const x of [1, -2.5, 0.1, 1e-30, 3.4e38, 1 / 3, -7e-8]) expect(toFloat32(real(x))).toBe(Math.fround(x));
  });
  it("computes sqrt and division to far below float64 precision", () => {
    expect(toFloat32(sqrt(real(2)))).toBe(Math.fround(Math.SQRT2));
    expect(toFloat32(div(real(1), real(3)))).toBe(Math.fround(1 / 3));
    expect(toFloat32(mul(real(1.5), real(-4)))).toBe(-6);
  });
  it("rounds to float16 with ties to even", () => {
    expect(toFloat16(real(1 + 2 ** -11))).toBe(1);
    expect(toFloat16(real(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(toFloat16(real(2 ** -25 * 3))).toBe(2 ** -23);
  });
});
