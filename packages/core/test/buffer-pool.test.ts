import { describe, expect, it } from "vitest";
import { bufferPool } from "../src/shared/buffer-pool.js";

describe("bufferPool", () => {
  it("hands a buffer out again once given back, the smallest that fits", () => {
    const pool = bufferPool();
    const big = pool.take(100);
    const small = pool.take(10);
    pool.reuse([big, small]);
    const next = pool.take(8);
    expect(next.buffer).toBe(small.buffer);
    expect(next.byteLength).toBe(8);
    expect(pool.take(50).buffer).toBe(big.buffer);
    expect(pool.take(50).buffer).not.toBe(big.buffer); // taken: a fresh one
  });

  it("ignores arrays it did not make, and keeps few buffers", () => {
    const pool = bufferPool();
    const foreign = new Float32Array(4);
    pool.reuse([foreign]);
    expect(pool.take(16).buffer).not.toBe(foreign.buffer);
    const made = Array.from({ length: 10 }, (_, i) => pool.take(i + 1));
    pool.reuse(made);
    // The 4 largest stay: the six smallest are let go.
    expect(pool.take(1).buffer).toBe(made[6]!.buffer);
  });

  it("lets go of every free buffer when none fits (a larger stage begins)", () => {
    const pool = bufferPool();
    const small = [pool.take(10), pool.take(20)];
    pool.reuse(small);
    const large = pool.take(100); // fresh: none fits, the small ones go
    pool.reuse([large]);
    const again = pool.take(10);
    expect(again.buffer).toBe(large.buffer);
    expect(pool.take(10).buffer).not.toBe(small[0]!.buffer);
    expect(pool.take(20).buffer).not.toBe(small[1]!.buffer);
  });
});
