import { describe, expect, it } from "vitest";
import { crc32 } from "./_crc32.js";

/** The bytewise definition, to check the table-driven one against. */
function naive(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

describe("crc32", () => {
  it("matches the known check value and the bytewise definition, whole or in pieces", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    const b = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
    for (const n of [0, 1, 7, 8, 9, 63, 1000]) expect(crc32(b.subarray(0, n))).toBe(naive(b.subarray(0, n)));
    expect(crc32(b.subarray(13), crc32(b.subarray(0, 13)))).toBe(naive(b));
  });
});
