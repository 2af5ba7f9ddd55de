import { describe, expect, it } from "vitest";
import { varint, varintLength, wireFields } from "./wire-fields.js";

describe("protobuf wire helpers", () => {
  it.each([0, 1, 127, 128, 300, 2 ** 31, 2 ** 40 + 5])("encodes %d as a varint of the predicted length", (n) => {
    const bytes = varint(n);
    expect(bytes.byteLength).toBe(varintLength(n));
    const [field] = wireFields(Uint8Array.of(0x08, ...bytes));
    expect(field).toEqual({ number: 1, start: 0, valueStart: 1, end: 1 + bytes.byteLength });
  });

  it("walks varint, fixed and length-delimited fields", () => {
    const bytes = Uint8Array.of(
      0x08,
      0x96,
      0x01,
      0x12,
      0x02,
      0x61,
      0x62,
      0x1d,
      1,
      2,
      3,
      4,
      0x21,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
    );
    expect(wireFields(bytes).map((f) => [f.number, f.start, f.valueStart, f.end])).toEqual([
      [1, 0, 1, 3],
      [2, 3, 5, 7],
      [3, 7, 8, 12],
      [4, 12, 13, 21],
    ]);
  });
});
