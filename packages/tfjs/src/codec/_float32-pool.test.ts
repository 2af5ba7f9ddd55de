import { describe, expect, it } from "vitest";
import { float32Pool } from "./_float32-pool.js";

describe("float32Pool", () => {
  it("hands a given-back array out again, as a view of the size asked for", () => {
    const pool = float32Pool();
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
    const pool = float32Pool();
    const big = pool.take(1000);
    const small = pool.take(10);
    pool.give(big);
    pool.give(small);
    expect(pool.take(8).buffer).toBe(small.buffer);
    expect(pool.take(2000).buffer).not.toBe(big.buffer);
    expect(pool.take(500).buffer).toBe(big.buffer);
  });

  it("ignores arrays it did not lend, and arrays given back twice", () => {
    const pool = float32Pool();
    const foreign = new Float32Array(50);
    pool.give(foreign);
    expect(pool.take(10).buffer).not.toBe(foreign.buffer);
    const a = pool.take(20);
    pool.give(a);
    pool.give(a);
    expect(pool.take(20).buffer).toBe(a.buffer);
    expect(pool.take(20).buffer).not.toBe(a.buffer);
  });

  it("keeps at most `keep` free arrays, the largest", () => {
    const pool = float32Pool(2);
    const [a, b, c] = [pool.take(10), pool.take(30), pool.take(20)];
    for (const x of [a, b, c]) pool.give(x);
    expect(pool.take(5).buffer).toBe(c.buffer);
    expect(pool.take(5).buffer).toBe(b.buffer);
    expect(pool.take(5).buffer).not.toBe(a.buffer);
  });
});

describe("float32Pool with a reserve", () => {
  it("makes new arrays of the reserve when it is larger, lending views of the size asked for", () => {
    let reserve = 1000;
    const pool = float32Pool(2, () => reserve);
    const a = pool.take(10);
    expect(a.length).toBe(10);
    expect(a.buffer.byteLength).toBe(4000);
    reserve = 0;
    expect(pool.take(20).buffer.byteLength).toBe(80);
  });

  it("lends the array whose touched part covers the request, else the most touched one", () => {
    const pool = float32Pool(4, () => 1000);
    const [big, small] = [pool.take(900), pool.take(50)];
    pool.give(small);
    pool.give(big);
    expect(pool.take(40).buffer).toBe(small.buffer); // both cover 40: the less touched
    expect(pool.take(600).buffer).toBe(big.buffer); // only the first covers 600
    pool.give(big);
    pool.give(small);
    expect(pool.take(950).buffer).toBe(big.buffer); // neither covers 950: the most touched
  });
});
