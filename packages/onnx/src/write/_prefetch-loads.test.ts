import { describe, expect, it } from "vitest";
import { prefetchLoads } from "./_prefetch-loads.js";

describe("prefetchLoads", () => {
  it("starts the next small block's load with each ask, and loads every block once", async () => {
    const started: number[] = [];
    const loads = prefetchLoads(
      [10, 10, 99, 10].map((bytes, k) => ({ bytes, load: async () => (started.push(k), `block ${k}`) })),
      50,
    );
    expect(await loads[0]!()).toBe("block 0");
    expect(started).toEqual([0, 1]); // block 1 read ahead
    expect(await loads[1]!()).toBe("block 1");
    expect(started).toEqual([0, 1]); // block 2 is over the budget: not read ahead
    expect(await loads[2]!()).toBe("block 2");
    expect(await loads[3]!()).toBe("block 3");
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it("raises a read-ahead's failure when its block is asked for, not before", async () => {
    const loads = prefetchLoads(
      [
        { bytes: 1, load: async () => "ok" },
        { bytes: 1, load: () => Promise.reject(new Error("cut file")) },
      ],
      10,
    );
    expect(await loads[0]!()).toBe("ok");
    await new Promise((r) => setTimeout(r, 0)); // an unhandled rejection would surface here
    await expect(loads[1]!()).rejects.toThrow("cut file");
  });
});
