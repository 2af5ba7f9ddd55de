import { describe, expect, it } from "vitest";
import { blockBound, gridAllowance, storageStep } from "./block-bound.js";
import { DEFAULT_TOLERANCES, storageTolerances } from "./tolerances.js";

const conv = (shape: number[], groups = 1, pads: [number, number, number, number] = [1, 1, 1, 1]) => ({
  kernel: { shape },
  stride: [1, 1] as const,
  pads,
  dilation: [1, 1] as const,
  groups,
});

describe("gridAllowance", () => {
  it("gives half a step times the sum of |x| over each output's window, plus the bias's half step", () => {
    // x [1, 1, 2, 2] = [[1, -2], [3, -4]]; a 3x3 kernel with pads 1 sees all four inputs from every output.
    const a = gridAllowance(conv([2, 1, 3, 3]), { kernel: 0.5, bias: 0.25 }, [1, -2, 3, -4], [1, 1, 2, 2]);
    expect([...a]).toEqual(Array(8).fill(0.5 * 10 + 0.25));
  });

  it("sums each group's own channels and leaves out the padding", () => {
    // Depthwise 1x1, no pads: output channel c sees x[c] alone.
    const a = gridAllowance(conv([2, 1, 1, 1], 2, [0, 0, 0, 0]), { kernel: 1, bias: 0 }, [1, -2, 3, -4], [1, 2, 1, 2]);
    expect([...a]).toEqual([1, 2, 3, 4]);
  });
});

describe("blockBound", () => {
  it("adds the grid allowance to each element's float32 bound", () => {
    const plain = blockBound([1, 2], [1, 2], 9);
    const gridded = blockBound([1, 2], [1, 2], 9, 2 ** -24, [0.5, 0.25]);
    expect(gridded[0]! - plain[0]!).toBeCloseTo(0.5, 15);
    expect(gridded[1]! - plain[1]!).toBeCloseTo(0.25, 15);
  });
});

describe("storageTolerances", () => {
  it("keeps the default for float32 storage and widens the scale by the summed steps otherwise", () => {
    expect(storageTolerances([0, 0])).toBe(DEFAULT_TOLERANCES);
    const half = storageStep({ unit: 2 ** -24, kernel: { data: [-1, 1] }, weightStep: { kernel: 1 / 255 } });
    expect(half).toBeCloseTo(1 / 510, 15);
    expect(storageTolerances([half, 2 ** -11]).scale).toBeCloseTo(1e-5 + 4 * (1 / 510 + 2 ** -11), 15);
  });
});
