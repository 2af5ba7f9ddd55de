import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { narrowBFloat16, narrowFloat16, widenBFloat16, widenFloat16 } from "./float16.js";

describe("float16", () => {
  it("widens hand-checked bit patterns", () => {
    expect(widenFloat16(0x3c00)).toBe(1);
    expect(widenFloat16(0xc000)).toBe(-2);
    expect(widenFloat16(0x7bff)).toBe(65504);
    expect(widenFloat16(0x0001)).toBe(2 ** -24);
    expect(widenFloat16(0x03ff)).toBe(1023 * 2 ** -24);
    expect(widenFloat16(0x7c00)).toBe(Infinity);
    expect(widenFloat16(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(widenFloat16(0x7e00))).toBe(true);
    expect(Object.is(widenFloat16(0x8000), -0)).toBe(true);
  });

  it("narrows with round-half-to-even, overflow and subnormals", () => {
    expect(narrowFloat16(1)).toBe(0x3c00);
    expect(narrowFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie -> even (down)
    expect(narrowFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(narrowFloat16(1 + 2 ** -11 + 2 ** -30)).toBe(0x3c01); // just above the tie
    expect(narrowFloat16(65504)).toBe(0x7bff);
    expect(narrowFloat16(65519.99)).toBe(0x7bff);
    expect(narrowFloat16(65520)).toBe(0x7c00); // tie rounds to even = infinity
    expect(narrowFloat16(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal -> 0
    expect(narrowFloat16(3 * 2 ** -25)).toBe(0x0002);
    expect(narrowFloat16(1023.5 * 2 ** -24)).toBe(0x0400); // rounds up into the smallest normal
    expect(narrowFloat16(-0)).toBe(0x8000);
    expect(narrowFloat16(-Infinity)).toBe(0xfc00);
    expect(narrowFloat16(Number.NaN) & 0x7e00).toBe(0x7e00);
  });

  it("round-trips every float16 bit pattern", () => {
    for (let b = 0; b < 0x10000; b++) {
      const v = widenFloat16(b);
      if (Number.isNaN(v)) continue;
      expect(narrowFloat16(v)).toBe(b);
    }
  });

  it("narrows to the nearest float16 (property, 2000 runs)", () => {
    fc.assert(
      fc.property(fc.double({ min: -70000, max: 70000, noNaN: true }), (x) => {
        const r = widenFloat16(narrowFloat16(x));
        if (!Number.isFinite(r)) return Math.abs(x) >= 65520;
        // No float16 lies strictly closer: check both neighbours.
        const bits = narrowFloat16(Math.abs(r));
        const up = widenFloat16(bits + 1);
        const down = bits > 0 ? widenFloat16(bits - 1) : -up;
        const err = Math.abs(Math.abs(x) - Math.abs(r));
        return err <= Math.abs(Math.abs(x) - up) && err <= Math.abs(Math.abs(x) - down);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("bfloat16", () => {
  it("matches float32's top 16 bits for exactly representable values", () => {
    expect(widenBFloat16(0x3f80)).toBe(1);
    expect(widenBFloat16(0x0001)).toBe(2 ** -133);
    expect(narrowBFloat16(1 + 2 ** -8)).toBe(0x3f80); // tie -> even
    expect(narrowBFloat16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(narrowBFloat16(3.3895313892515355e38)).toBe(0x7f7f); // max finite
    expect(narrowBFloat16(3.4e38)).toBe(0x7f80); // overflow
  });

  it("rounds once from float64, not via float32", () => {
    // 1 + 2^-8 + 2^-40 lies above the tie; via float32 it would become the tie 1 + 2^-8 and round down.
    expect(narrowBFloat16(1 + 2 ** -8 + 2 ** -40)).toBe(0x3f81);
  });

  it("round-trips every bfloat16 bit pattern", () => {
    for (let b = 0; b < 0x10000; b++) {
      const v = widenBFloat16(b);
      if (Number.isNaN(v)) continue;
      expect(narrowBFloat16(v)).toBe(b);
    }
  });
});
