import { describe, expect, it } from "vitest";
import { runPool } from "./run-pool.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runPool", () => {
  it("runs at most `jobs` tasks at once and returns the results in input order", async () => {
    for (const jobs of [1, 2, 3, 10]) {
      let running = 0;
      let peak = 0;
      const started: number[] = [];
      const out = await runPool([30, 5, 20, 1, 10], jobs, async (ms, i) => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await tick(ms);
        running--;
        return i * 10;
      });
      expect(out).toEqual([0, 10, 20, 30, 40]);
      expect(peak).toBe(Math.min(jobs, 5));
      expect(started).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it("returns an empty list for no items", async () => {
    expect(await runPool([], 2, async () => 1)).toEqual([]);
  });
});
