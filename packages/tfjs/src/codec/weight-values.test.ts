import { describe, expect, it } from "vitest";
import type { TfjsWeight } from "./tfjs-weight.js";
import { weightValues } from "./weight-values.js";
import type { WeightQuantization } from "./weights-manifest.js";

const u16 = (...v: number[]): Uint8Array => new Uint8Array(new Uint16Array(v).buffer);
function weight(bytes: Uint8Array, dtype: TfjsWeight["dtype"], quantization?: WeightQuantization): TfjsWeight {
  return {
    name: "w",
    shape: [bytes.byteLength],
    dtype,
    bytes,
    ...(quantization === undefined ? {} : { quantization }),
  };
}

describe("weightValues", () => {
  it("dequantizes uint8 as min + q * scale", () => {
    const w = weight(new Uint8Array([0, 1, 2, 255]), "float32", { dtype: "uint8", min: -1, scale: 0.5 });
    expect(weightValues(w)).toEqual(new Float32Array([-1, -0.5, 0, 126.5]));
  });

  it("rounds the float64 result of uint8 into float32 once, like TF.js", () => {
    const w = weight(new Uint8Array([3]), "float32", { dtype: "uint8", min: 0.1, scale: 0.2 });
    expect(weightValues(w)[0]).toBe(Math.fround(3 * 0.2 + 0.1));
  });

  it("dequantizes uint16 as min + q * scale, little-endian", () => {
    const w = weight(new Uint8Array([0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0xff, 0xff]), "float32", {
      dtype: "uint16",
      min: 10,
      scale: 0.25,
    });
    expect(weightValues(w)).toEqual(new Float32Array([10, 10.25, 10 + 256 * 0.25, 10 + 65535 * 0.25]));
  });

  it("rounds uint8 on an int32 weight to integers", () => {
    const w = weight(new Uint8Array([0, 1, 2, 3]), "int32", { dtype: "uint8", min: -1, scale: 0.6 });
    const v = weightValues(w);
    expect(v).toBeInstanceOf(Int32Array);
    expect([...v]).toEqual([-1, 0, 0, 1]);
  });

  it("decodes float16 to exact half values, subnormals, infinities, NaN", () => {
    // 1, -2, 0.5, 65504 (max), 2^-24 (smallest subnormal), -0, +inf, -inf, 1 + 2^-10, NaN
    const bits = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000, 0x7c00, 0xfc00, 0x3c01, 0x7e00];
    const v = weightValues(weight(u16(...bits), "float32", { dtype: "float16" }));
    expect([...v.slice(0, 9)]).toEqual([1, -2, 0.5, 65504, 2 ** -24, -0, Infinity, -Infinity, 1 + 2 ** -10]);
    expect(Object.is(v[5], -0)).toBe(true);
    expect(Number.isNaN(v[9])).toBe(true);
  });

  it("gives an unquantized weight as a view when aligned, a copy when not", () => {
    const buf = new Uint8Array(16);
    new DataView(buf.buffer).setFloat32(4, 2.5, true);
    new DataView(buf.buffer).setInt32(9, -7, true);
    const aligned = weightValues(weight(buf.subarray(4, 8), "float32"));
    expect([...aligned]).toEqual([2.5]);
    expect(aligned.buffer).toBe(buf.buffer);
    const odd = weightValues(weight(buf.subarray(9, 13), "int32"));
    expect([...odd]).toEqual([-7]);
    expect(odd.buffer).not.toBe(buf.buffer);
  });

  it("gives a bool weight as the bytes themselves", () => {
    const b = new Uint8Array([1, 0, 1]);
    expect(weightValues(weight(b, "bool"))).toBe(b);
  });

  it("dequantizes into the array it is given when it has the weight's length", () => {
    const into = new Float32Array(3);
    const w = weight(new Uint8Array([0, 1, 2]), "float32", { dtype: "uint8", min: 1, scale: 2 });
    expect(weightValues(w, into)).toBe(into);
    expect([...into]).toEqual([1, 3, 5]);
    expect(weightValues(w, new Float32Array(4))).toEqual(new Float32Array([1, 3, 5]));
  });

  it("reads uint16 and float16 bytes at an odd offset", () => {
    const buf = new Uint8Array(5);
    buf.set([0x00, 0x3c, 0x00, 0xc0], 1); // 0x3c00, 0xc000
    const odd = buf.subarray(1);
    expect([...weightValues(weight(odd, "float32", { dtype: "float16" }))]).toEqual([1, -2]);
    expect([...weightValues(weight(odd, "float32", { dtype: "uint16", min: 0, scale: 1 }))]).toEqual([0x3c00, 0xc000]);
  });
});
