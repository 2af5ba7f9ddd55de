import { describe, expect, it } from "vitest";
import { bfloat16ToNumber, float16ToNumber } from "./_float16.js";

/** float16 -> float32 by re-biasing the exponent, independent of float16ToNumber's arithmetic. */
function viaFloat32(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  const v = new DataView(new ArrayBuffer(4));
  if (e === 0) return (sign ? -1 : 1) * f * 2 ** -24;
  v.setUint32(0, (sign | (e === 31 ? 0xff << 23 : (e - 15 + 127) << 23) | (f << 13)) >>> 0);
  return v.getFloat32(0);
}

describe("float16ToNumber", () => {
  it("gives hand-checked values", () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0400)).toBe(2 ** -14);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x3555)).toBe(0.333251953125);
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0x7c00)).toBe(Infinity);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });

  it("agrees with an exponent re-bias on all 65536 patterns", () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) if (!Object.is(float16ToNumber(bits), viaFloat32(bits))) wrong.push(bits);
    expect(wrong).toEqual([]);
  });
});

describe("bfloat16ToNumber", () => {
  it("gives hand-checked values", () => {
    expect(bfloat16ToNumber(0x3f80)).toBe(1);
    expect(bfloat16ToNumber(0xc000)).toBe(-2);
    expect(bfloat16ToNumber(0x3e80)).toBe(0.25);
    expect(bfloat16ToNumber(0x0001)).toBe(2 ** -133);
    expect(bfloat16ToNumber(0x7f80)).toBe(Infinity);
    expect(bfloat16ToNumber(0x7fc0)).toBeNaN();
    expect(bfloat16ToNumber(0x13f80)).toBe(1); // only the low 16 bits count
  });
});
