import fc from "fast-check";
import { seededRandom } from "@reparam/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { dequantizeAffine, quantizeAffine, setWasmKernels } from "../src/index.js";
import { extentWasm, quantizeFreshWasm } from "../src/wasm/quantize-kernels.js";
import { onAndOff } from "./wasm-on-off.js";

afterEach(() => setWasmKernels(true));

/** Values a fused kernel may hold: mostly spread, some repeated, exact zeros of both signs, tiny and huge. */
function fusedValues(r: () => number, n: number, spread: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = r();
    if (u < 0.02) return u < 0.01 ? 0 : -0;
    if (u < 0.03) return 1e-300;
    return (r() - 0.5) * spread;
  });
}

function both(values: Float64Array, dtype: "uint8" | "uint16", previous?: { min: number; scale: number }) {
  return onAndOff(() => quantizeAffine(values, dtype, previous));
}

describe("the WebAssembly quantize kernels", () => {
  it("gives quantizeAffine the JavaScript loops' bytes, grid and errors, uint8 and uint16, across chunk edges (120 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 2, 3, 7, 64, 16383, 16384, 16385, 40001),
        fc.constantFrom("uint8", "uint16"),
        fc.constantFrom(1e-3, 2, 1e6),
        (s, n, dtype, spread) => {
          const values = fusedValues(seededRandom(s), n, spread);
          const { fast, js } = both(values, dtype);
          expect(fast.bytes).toEqual(js.bytes);
          expect([fast.min, fast.scale, fast.maxError, fast.range, fast.keptRange]).toEqual([
            js.min,
            js.scale,
            js.maxError,
            js.range,
            js.keptRange,
          ]);
          expect(Object.is(fast.min, js.min)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("finds the JavaScript loop's extent, and leaves a zero bound (its sign) to it", () => {
    const r = seededRandom(5);
    const values = fusedValues(r, 5000, 3).map((v) => (v === 0 ? 0.5 : v));
    const got = extentWasm(values);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    expect(got).toEqual({ lo, hi });
    expect(extentWasm(Float64Array.of(3, 0, 5))).toBeUndefined();
    expect(extentWasm(Float64Array.of(-3, -0, -5))).toBeUndefined();
  });

  it("keeps a tensor on its previous grid, and a constant one, as JavaScript does", () => {
    const grid = { min: -1.5, scale: 0.01 };
    const onGrid = Float64Array.from({ length: 999 }, (_, i) => Math.fround((i % 256) * grid.scale + grid.min));
    for (const values of [onGrid, new Float64Array(77).fill(0.25), new Float64Array(0)]) {
      for (const dtype of ["uint8", "uint16"] as const) {
        const { fast, js } = both(values, dtype, grid);
        expect(fast).toEqual(js);
      }
    }
  });

  it("does nothing when turned off", () => {
    setWasmKernels(false);
    expect(extentWasm(Float64Array.of(1, 2))).toBeUndefined();
    expect(quantizeFreshWasm(Float64Array.of(1, 2), new Uint8Array(2), 1, 1)).toBeUndefined();
  });
});

describe("dequantizeAffine", () => {
  it("gives TF.js's float32(q scale + min), the same bits with the kernels and without, uint8 and uint16, across chunk edges (60 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 3, 4, 5, 16383, 16384, 16389, 40003),
        fc.boolean(),
        (s, n, wide) => {
          const r = seededRandom(s);
          const q = wide
            ? Uint16Array.from({ length: n }, () => Math.floor(r() * 65536))
            : Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
          const min = (r() - 0.5) * 10 ** Math.floor(r() * 8 - 4);
          const scale = r() * 10 ** Math.floor(r() * 8 - 6);
          const { fast, js } = onAndOff(() => dequantizeAffine(q, min, scale));
          const naive = Float32Array.from(q, (v) => v * scale + min);
          expect(new Uint8Array(fast.buffer)).toEqual(new Uint8Array(naive.buffer));
          expect(new Uint8Array(js.buffer)).toEqual(new Uint8Array(naive.buffer));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("fills the array it is given, and refuses one of another length", () => {
    const out = new Float32Array(3);
    expect(dequantizeAffine(Uint8Array.of(0, 1, 255), 1, 0.5, out)).toBe(out);
    expect([...out]).toEqual([1, 1.5, 128.5]);
    expect(() => dequantizeAffine(Uint8Array.of(1, 2), 0, 1, out)).toThrow(RangeError);
  });
});
