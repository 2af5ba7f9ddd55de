import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { narrowFloat16Fast, widenFloat16Fast } from "./fast-float16.js";
import { roundToFormat, widenFromFormat } from "./round-to-format.js";
import { FLOAT16 } from "./float16.js";

const slowNarrow = (x: number) => roundToFormat(x, FLOAT16);

describe("narrowFloat16Fast", () => {
  it("agrees with the generic rounding on every float16 value and every midpoint between neighbours", () => {
    for (let b = 0; b < 0x7c00; b++) {
      const v = widenFromFormat(b, FLOAT16);
      const next = widenFromFormat(b + 1, FLOAT16);
      const mid = (v + next) / 2;
      for (const x of [v, mid, -mid, mid + 2 ** -40 * v, mid - 2 ** -40 * v])
        expect(narrowFloat16Fast(x)).toBe(slowNarrow(x));
    }
  });

  it("agrees with the generic rounding on random doubles, infinities, NaN and signed zeros", () => {
    for (const x of [
      0,
      -0,
      Infinity,
      -Infinity,
      Number.NaN,
      -Number.NaN,
      65504,
      65519.99,
      65520,
      1e300,
      2 ** -25,
      2 ** -26,
      3 * 2 ** -25,
    ])
      expect(narrowFloat16Fast(x)).toBe(slowNarrow(x));
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => narrowFloat16Fast(x) === slowNarrow(x)),
      { numRuns: 20000 },
    );
    fc.assert(
      fc.property(fc.double({ min: -70000, max: 70000, noNaN: true }), (x) => narrowFloat16Fast(x) === slowNarrow(x)),
      { numRuns: 20000 },
    );
  });
});

describe("widenFloat16Fast", () => {
  it("gives the exact value of every bit pattern", () => {
    for (let b = 0; b < 65536; b++) {
      const want = widenFromFormat(b, FLOAT16);
      const got = widenFloat16Fast(b);
      if (Number.isNaN(want)) expect(got).toBeNaN();
      else expect(Object.is(got, want)).toBe(true);
    }
  });
});
