import { describe, expect, it } from "vitest";
import { propagate } from "./_propagate.js";

describe("propagate", () => {
  it("computes in dependency order whatever the list order; skips nodes reading unknown keys", () => {
    const nodes = [
      { k: "c", in: ["b", "a"] },
      { k: "b", in: ["a", "a"] },
      { k: "a", in: ["x"] },
      { k: "d", in: ["nowhere"] },
      { k: "e", in: ["d"] },
    ];
    const v = propagate(
      nodes,
      (n) => n.k,
      (n) => n.in,
      (n, get) => n.in.reduce((s, i) => s + get(i), 1),
      new Map([["x", 10]]),
    );
    expect(Object.fromEntries(v)).toEqual({ x: 10, a: 11, b: 23, c: 35 });
  });
});
