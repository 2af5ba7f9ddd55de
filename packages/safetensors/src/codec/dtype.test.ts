import { describe, expect, it } from "vitest";
import { expectCode } from "../../test/_make-file.js";
import { SAFETENSORS_DTYPES, type SafetensorsDtype, dtypeBits, isSafetensorsDtype } from "./dtype.js";
import { tensorByteLength } from "./tensor-byte-length.js";

const BITS: Record<SafetensorsDtype, number> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

describe("dtype table", () => {
  it("knows every reference dtype with its bit size", () => {
    expect(Object.keys(SAFETENSORS_DTYPES).sort()).toEqual(Object.keys(BITS).sort());
    for (const [dtype, bits] of Object.entries(BITS)) {
      expect(isSafetensorsDtype(dtype)).toBe(true);
      expect(dtypeBits(dtype as SafetensorsDtype)).toBe(bits);
    }
  });

  it("ranks dtypes in the reference enum order (increasing alignment)", () => {
    const byRank = Object.entries(SAFETENSORS_DTYPES)
      .sort((a, b) => a[1].rank - b[1].rank)
      .map(([k]) => k);
    expect(byRank).toEqual(Object.keys(SAFETENSORS_DTYPES));
    expect(new Set(byRank.map((k) => SAFETENSORS_DTYPES[k as SafetensorsDtype].rank)).size).toBe(20);
  });

  it("rejects other strings", () => {
    for (const s of ["f32", "F8", "F8_E4M3FNUZ", "I4", "toString", "__proto__", "", 1, null]) {
      expect(isSafetensorsDtype(s)).toBe(false);
    }
  });
});

describe("tensorByteLength", () => {
  it("is product(shape) * size for every dtype", () => {
    for (const [dtype, bits] of Object.entries(BITS)) {
      const d = dtype as SafetensorsDtype;
      expect(tensorByteLength(d, [2, 3, 4])).toBe((24 * bits) / 8);
      expect(tensorByteLength(d, [0, 5])).toBe(0);
      expect(tensorByteLength(d, [4])).toBe((4 * bits) / 8);
      if (bits >= 8) expect(tensorByteLength(d, [])).toBe(bits / 8);
    }
  });

  it("packs sub-byte dtypes and refuses a partial last byte", async () => {
    expect(tensorByteLength("F4", [2])).toBe(1);
    expect(tensorByteLength("F4", [3, 2])).toBe(3);
    expect(tensorByteLength("F6_E2M3", [4])).toBe(3);
    expect(tensorByteLength("F6_E3M2", [8, 3])).toBe(18);
    await expectCode(() => tensorByteLength("F4", [3]), "SAFETENSORS_BAD_SHAPE");
    await expectCode(() => tensorByteLength("F4", []), "SAFETENSORS_BAD_SHAPE");
    await expectCode(() => tensorByteLength("F6_E2M3", [2]), "SAFETENSORS_BAD_SHAPE");
  });

  it("refuses bad dims and overflow", async () => {
    await expectCode(() => tensorByteLength("F32", [-1]), "SAFETENSORS_BAD_SHAPE");
    await expectCode(() => tensorByteLength("F32", [1.5]), "SAFETENSORS_BAD_SHAPE");
    await expectCode(() => tensorByteLength("F32", [2 ** 53]), "SAFETENSORS_BAD_SHAPE");
    await expectCode(() => tensorByteLength("F32", [2 ** 52]), "SAFETENSORS_BAD_SHAPE");
    await expectCode(() => tensorByteLength("U8", [2 ** 30, 2 ** 30, 2 ** 30]), "SAFETENSORS_BAD_SHAPE");
    expect(tensorByteLength("U8", [2 ** 53 - 1])).toBe(2 ** 53 - 1);
    expect(tensorByteLength("U8", [2 ** 40, 2 ** 40, 0])).toBe(0);
  });
});
