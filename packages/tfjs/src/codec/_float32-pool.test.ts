import { describe, expect, it } from "vitest";
import { float32Pool, poolBudget } from "./_float32-pool.js";

const MiB = 2 ** 20;
const roomy = { budget: () => MiB };

describe("float32Pool", () => {
  it("hands a given-back array out again, as a view of the size asked for", () => {
    const pool = float32Pool(roomy);
    const a = pool.take(100);
    expect(a.length).toBe(100);
    pool.give(a);
    const b = pool.take(60);
    expect(b.length).toBe(60);
    expect(b.buffer).toBe(a.buffer);
    const c = pool.take(60); // the first is lent again: a new one
    expect(c.buffer).not.toBe(a.buffer);
  });

  it("takes the smallest free array that is large enough, and a new one when none is", () => {
    const pool = float32Pool(roomy);
    const big = pool.take(1000);
    const small = pool.take(10);
    pool.give(big);
    pool.give(small);
    expect(pool.take(8).buffer).toBe(small.buffer);
    expect(pool.take(2000).buffer).not.toBe(big.buffer);
    expect(pool.take(500).buffer).toBe(big.buffer);
  });

  it("ignores arrays it did not lend, and arrays given back twice", () => {
    const pool = float32Pool(roomy);
    const foreign = new Float32Array(50);
    pool.give(foreign);
    expect(pool.kept).toBe(0);
    expect(pool.take(10).buffer).not.toBe(foreign.buffer);
    const a = pool.take(20);
    pool.give(a);
    pool.give(a);
    expect(pool.kept).toBe(80);
    expect(pool.take(20).buffer).toBe(a.buffer);
    expect(pool.take(20).buffer).not.toBe(a.buffer);
  });
});

describe("float32Pool with a budget", () => {
  it("keeps free arrays within the budget, dropping the least recently given back", () => {
    const pool = float32Pool({ budget: () => 100 }); // bytes: two arrays of 10 floats, not three
    const [a, b, c] = [pool.take(10), pool.take(10), pool.take(10)];
    for (const x of [a, b, c]) pool.give(x);
    expect(pool.kept).toBe(80);
    const again = [pool.take(5), pool.take(5), pool.take(5)].map((x) => x.buffer);
    expect(again.slice(0, 2)).toEqual([b.buffer, c.buffer]);
    expect(again[2]).not.toBe(a.buffer); // dropped: a new one
    expect(pool.kept).toBe(0);
  });

  it("counts the touched part of a free array, not its length", () => {
    const pool = float32Pool({ budget: () => 100, reserve: () => 1000 }); // 4000 bytes each, 40 touched
    const [a, b] = [pool.take(10), pool.take(10)];
    pool.give(a);
    pool.give(b);
    expect(pool.kept).toBe(80);
    expect(pool.take(10).buffer).toBe(a.buffer);
    expect(pool.take(10).buffer).toBe(b.buffer);
  });

  it("serves a request larger than the budget, and drops it when given back", () => {
    const pool = float32Pool({ budget: () => 100 });
    const small = pool.take(10);
    pool.give(small);
    const big = pool.take(1000);
    expect(big.length).toBe(1000);
    big.fill(1.5);
    expect(big[999]).toBe(1.5);
    pool.give(big);
    expect(pool.kept).toBe(0); // the large one, and the small one given back before it, are dropped
    const next = pool.take(1000);
    expect(next.buffer).not.toBe(big.buffer);
    expect(pool.take(10).buffer).not.toBe(small.buffer);
  });

  it("reads the budget at each give", () => {
    let budget = 1000;
    const pool = float32Pool({ budget: () => budget });
    const [a, b] = [pool.take(100), pool.take(100)];
    pool.give(a);
    expect(pool.kept).toBe(400);
    budget = 500;
    pool.give(b); // 800 bytes free: over the new budget, a is dropped
    expect(pool.kept).toBe(400);
    expect(pool.take(100).buffer).toBe(b.buffer);
    expect(pool.take(100).buffer).not.toBe(a.buffer);
  });
});

describe("float32Pool with a reserve", () => {
  it("makes new arrays of the reserve when it is larger, lending views of the size asked for", () => {
    let reserve = 1000;
    const pool = float32Pool({ ...roomy, reserve: () => reserve });
    const a = pool.take(10);
    expect(a.length).toBe(10);
    expect(a.buffer.byteLength).toBe(4000);
    reserve = 0;
    expect(pool.take(20).buffer.byteLength).toBe(80);
  });

  it("lends the array whose touched part covers the request, else the most touched one", () => {
    const pool = float32Pool({ ...roomy, reserve: () => 1000 });
    const [big, small] = [pool.take(900), pool.take(50)];
    pool.give(small);
    pool.give(big);
    expect(pool.take(40).buffer).toBe(small.buffer); // both cover 40: the less touched
    expect(pool.take(600).buffer).toBe(big.buffer); // only the first covers 600
    pool.give(big);
    pool.give(small);
    expect(pool.take(950).buffer).toBe(big.buffer); // neither covers 950: the most touched
  });

  it("counts the part of an array it lends as touched from then on", () => {
    const pool = float32Pool({ ...roomy, reserve: () => 1000 });
    const a = pool.take(100);
    pool.give(a);
    expect(pool.kept).toBe(400);
    pool.give(pool.take(300));
    expect(pool.kept).toBe(1200);
    pool.give(pool.take(10));
    expect(pool.kept).toBe(1200);
  });
});

describe("poolBudget", () => {
  it("holds two of the largest arrays, and at least 64 MiB", () => {
    expect(poolBudget(0)).toBe(64 * MiB);
    expect(poolBudget(2 ** 20)).toBe(64 * MiB);
    expect(poolBudget(17_694_720)).toBe(8 * 17_694_720); // RepVGG-B3's largest kernel, 3x3x768x2560
  });
});
