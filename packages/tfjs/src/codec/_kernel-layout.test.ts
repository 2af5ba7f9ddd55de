import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { oihwToTf, tfToOihw, type KernelDims } from "./_kernel-layout.js";

// The definition, element by element: TF [P][I][O] holds OIHW (o, i, p) at (p * I + i) * O + o.
function naiveToOihw(src: ArrayLike<number>, { p: P, i: I, o: O }: KernelDims): number[] {
  const out: number[] = [];
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++) for (let p = 0; p < P; p++) out.push(src[(p * I + i) * O + o]!);
  return out;
}

const ramp = (n: number): Float32Array => Float32Array.from({ length: n }, (_, k) => k + 0.5);

describe("tfToOihw / oihwToTf", () => {
  it("moves a 2x3 HWIO kernel [1, 2, 1, 3] by hand", () => {
    // HWIO [kh=1, kw=2, I=1, O=3]: x0 -> o0..o2 = 1 2 3, x1 -> 4 5 6; OIHW [3, 1, 1, 2] = (1 4) (2 5) (3 6).
    const src = new Float32Array([1, 2, 3, 4, 5, 6]);
    const oihw = tfToOihw(src, new Float32Array(6), { p: 2, i: 1, o: 3 });
    expect([...oihw]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...oihwToTf(oihw, new Float32Array(6), { p: 2, i: 1, o: 3 })]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    ["3x3 conv, tiles with remainders", { p: 9, i: 37, o: 70 }],
    ["1x1 conv", { p: 1, i: 65, o: 33 }],
    ["1x3 conv (generic inner loop)", { p: 3, i: 5, o: 40 }],
    ["3x3 depthwise [3, 3, C, M] as [P][1][C * M]", { p: 9, i: 1, o: 96 }],
  ])("matches the definition and round-trips: %s", (_what, dims) => {
    const src = ramp(dims.p * dims.i * dims.o);
    const oihw = tfToOihw(src, new Float32Array(src.length), dims);
    expect([...oihw]).toEqual(naiveToOihw(src, dims));
    expect(oihwToTf(oihw, new Float32Array(src.length), dims)).toEqual(src);
  });

  it("moves float16 bits (Uint16Array) the same way", () => {
    const dims = { p: 9, i: 4, o: 3 };
    const src = Uint16Array.from({ length: 108 }, (_, k) => 15360 + k);
    expect([...tfToOihw(src, new Uint16Array(108), dims)]).toEqual(naiveToOihw(src, dims));
  });

  it("is the definition for any dims (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 70 }),
        (p, i, o) => {
          const dims = { p, i, o };
          const src = ramp(p * i * o);
          const want = naiveToOihw(src, dims);
          const oihw = tfToOihw(src, new Float32Array(src.length).fill(-1), dims);
          const back = oihwToTf(oihw, new Float32Array(src.length).fill(-1), dims);
          return oihw.every((v, k) => v === want[k]) && back.every((v, k) => v === src[k]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
