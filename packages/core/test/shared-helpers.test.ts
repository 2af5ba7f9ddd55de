import { describe, expect, it } from "vitest";
import { globMatch } from "../src/shared/glob-match.js";
import { hostLittleEndian, littleEndianArray, littleEndianBytes, swapBytes } from "../src/shared/little-endian.js";
import { compareCodePoints, decodeUtf8, decodeUtf8Strict, encodeUtf8, isWellFormed } from "../src/shared/utf8.js";

describe("utf8", () => {
  it("round-trips text and refuses invalid bytes", () => {
    expect(decodeUtf8Strict(encodeUtf8("héllo ✓ 😀"))).toBe("héllo ✓ 😀");
    expect(decodeUtf8(encodeUtf8("héllo"))).toBe("héllo");
    expect(decodeUtf8Strict(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
    expect(() => decodeUtf8(new Uint8Array([0xc3]))).toThrow(TypeError);
  });

  it("keeps a BOM in decodeUtf8Strict and strips it in decodeUtf8", () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]);
    expect(decodeUtf8Strict(bom)).toBe("\uFEFF{}");
    expect(decodeUtf8(bom)).toBe("{}");
  });

  it("finds lone surrogates", () => {
    expect(isWellFormed("a😀b")).toBe(true);
    expect(isWellFormed("a\uD800b")).toBe(false);
    expect(isWellFormed("\uDC00")).toBe(false);
  });

  it("orders by code point, unlike UTF-16 '<'", () => {
    expect(compareCodePoints("a", "b")).toBeLessThan(0);
    expect(compareCodePoints("ab", "a")).toBeGreaterThan(0);
    expect(compareCodePoints("x", "x")).toBe(0);
    // U+FFFD (one unit) < U+1F600 (a surrogate pair), though "\uFFFD" > "\uD83D" in UTF-16.
    expect(compareCodePoints("\uFFFD", "😀")).toBeLessThan(0);
    expect(compareCodePoints("😀", "\uFFFD")).toBeGreaterThan(0);
    const sorted = ["😀", "\uFFFD", "z", "A"].sort(compareCodePoints);
    expect(sorted).toEqual(["A", "z", "\uFFFD", "😀"]);
  });
});

describe("little-endian", () => {
  it("knows the host order", () => {
    expect(hostLittleEndian).toBe(new Uint8Array(new Uint32Array([1]).buffer)[0] === 1);
  });

  it("swaps each element in place", () => {
    const b = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
    expect(swapBytes(b, 2)).toBe(b);
    expect([...b]).toEqual([2, 1, 4, 3, 6, 5, 7]);
  });

  it("views aligned bytes and copies unaligned ones", () => {
    const bytes = new Uint8Array(12);
    new DataView(bytes.buffer).setFloat32(4, 1.5, true);
    const aligned = littleEndianArray(bytes.subarray(4, 8), Float32Array);
    expect([...aligned]).toEqual([1.5]);
    if (hostLittleEndian) expect(aligned.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(9);
    shifted.set(bytes.subarray(4, 8), 1);
    const copied = littleEndianArray(shifted.subarray(1, 5), Float32Array);
    expect([...copied]).toEqual([1.5]);
    expect(copied.buffer).not.toBe(shifted.buffer);
  });

  it("gives a typed array's bytes little-endian", () => {
    const bytes = littleEndianBytes(new Uint16Array([0x0102, 0x0304]));
    expect([...bytes]).toEqual([2, 1, 4, 3]);
    const f = new Float32Array([1]);
    expect([...littleEndianBytes(f)]).toEqual([0, 0, 0x80, 0x3f]);
  });
});

describe("globMatch", () => {
  it("matches a pattern without '*' as a substring", () => {
    expect(globMatch("stage1", "model.stage1.block0")).toBe(true);
    expect(globMatch("stage2", "model.stage1.block0")).toBe(false);
  });

  it("matches a pattern with '*' against the whole name, other characters literal", () => {
    expect(globMatch("stage*.conv", "stage1.conv")).toBe(true);
    expect(globMatch("stage*.conv", "xstage1.conv")).toBe(false);
    expect(globMatch("stage*.conv", "stage1xconv")).toBe(false);
    expect(globMatch("*", "")).toBe(true);
    expect(globMatch("a(b)*", "a(b)c")).toBe(true);
    expect(globMatch("a+*", "aa")).toBe(false);
  });
});
