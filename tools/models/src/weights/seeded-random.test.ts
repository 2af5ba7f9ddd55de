import { describe, expect, it } from "vitest";
import { seededRandom } from "./seeded-random.js";

describe("seededRandom", () => {
  it("depends on the seed and the name only", () => {
    const draw = (seed: number, name: string) => seededRandom(seed, name).uniform(new Float32Array(8), 0, 1);
    expect(draw(1, "a.weight")).toEqual(draw(1, "a.weight"));
    expect(draw(1, "a.weight")).not.toEqual(draw(2, "a.weight"));
    expect(draw(1, "a.weight")).not.toEqual(draw(1, "b.weight"));
  });

  it("draws U(lo, hi) and N(mean, sigma^2) with the right moments", () => {
    const u = seededRandom(0, "u").uniform(new Float32Array(100_000), 0.5, 2);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...u)).toBeLessThan(2);
    expect(u.reduce((a, v) => a + v, 0) / u.length).toBeCloseTo(1.25, 2);
    const n = seededRandom(0, "n").normal(new Float32Array(100_001), 0, 0.1);
    expect(n.reduce((a, v) => a + v, 0) / n.length).toBeCloseTo(0, 2);
    expect(Math.sqrt(n.reduce((a, v) => a + v * v, 0) / n.length)).toBeCloseTo(0.1, 2);
    expect(n.every(Number.isFinite)).toBe(true);
  });
});
