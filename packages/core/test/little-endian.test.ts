import { describe, expect, it } from "vitest";
import { littleEndianArray } from "../src/shared/little-endian.js";

/** A Uint8Array whose slice() is a view, as a Node Buffer's is. */
class ViewSlice extends Uint8Array {
  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    return this.subarray(start, end);
  }
}

describe("littleEndianArray", () => {
  it("reads unaligned bytes of a Buffer-like array (slice() a view) from their own offset", () => {
    const whole = new ViewSlice(1 + 16);
    const values = new BigInt64Array([5n, -7n]);
    whole.set(new Uint8Array(values.buffer), 1);
    whole[0] = 0xff;
    const got = littleEndianArray(whole.subarray(1), BigInt64Array);
    expect([...got]).toEqual([5n, -7n]);
  });

  it("views aligned bytes without a copy", () => {
    const bytes = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const got = littleEndianArray(bytes, Float32Array);
    expect(got.buffer).toBe(bytes.buffer);
    expect([...got]).toEqual([1.5, -2]);
  });
});
