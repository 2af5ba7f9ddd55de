import { describe, expect, it } from "vitest";
import { isReparamError } from "@reparam/core";
import { decodeNpy, isNpy } from "./decode-npy.js";

/** A .npy file as numpy.save writes it: magic, version, header length, header padded with spaces to 64, "\n", data. */
function npy(header: string, data: ArrayBufferView, version = 1): Uint8Array {
  const lenSize = version === 1 ? 2 : 4;
  const unpadded = 8 + lenSize + header.length + 1;
  const text = `${header + " ".repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(8 + lenSize + text.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(new TextEncoder().encode(text), 8 + lenSize);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 8 + lenSize + text.length);
  return out;
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isReparamError(e) ? `${e.code}: ${e.message}` : String(e);
  }
  return "no error";
};

describe("decodeNpy", () => {
  const values = new Float32Array([1, -2.5, 3, 0.25, 5, 6]);

  it("reads version 1 and 2 float32 C-order arrays", () => {
    for (const v of [1, 2, 3]) {
      const bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", values, v);
      expect(isNpy(bytes)).toBe(true);
      const a = decodeNpy(bytes);
      expect(a.shape).toEqual([2, 3]);
      expect([...a.data]).toEqual([...values]);
    }
  });

  it("reads 1-D and scalar shapes, and an unaligned buffer", () => {
    expect(decodeNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", values)).shape).toEqual([6]);
    expect(
      decodeNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new Float32Array([7]))).data[0],
    ).toBe(7);
    const b = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", values);
    const shifted = new Uint8Array(b.length + 1).subarray(1);
    shifted.set(b);
    expect([...decodeNpy(shifted).data]).toEqual([...values]);
  });

  it("reads integer, bool, float16 and float64 arrays as float64 values", () => {
    const i64 = decodeNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", BigInt64Array.from([16000n])));
    expect([i64.shape, Array.from(i64.data)]).toEqual([[], [16000]]);
    const i32 = decodeNpy(
      npy("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", Int32Array.from([-1, 0, 255])),
    );
    expect(Array.from(i32.data)).toEqual([-1, 0, 255]);
    const b = decodeNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", Uint8Array.from([1, 0])));
    expect(Array.from(b.data)).toEqual([1, 0]);
    const h = decodeNpy(
      npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", Uint16Array.from([0x3c00, 0xc000])),
    );
    expect(Array.from(h.data)).toEqual([1, -2]);
    const d = decodeNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", Float64Array.from([0.1])));
    expect(d.data[0]).toBe(0.1);
  });

  it("refuses other dtypes, Fortran order, bad sizes and non-npy bytes", () => {
    expect(
      code(() => decodeNpy(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (6,), }", new Float64Array(6)))),
    ).toMatch(/^VALIDATE_BAD_INPUT: unsupported dtype .* found >f8/);
    expect(
      code(() => decodeNpy(npy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", new Uint32Array(6)))),
    ).toMatch(/unsupported dtype/);
    expect(code(() => decodeNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", values)))).toMatch(
      /unsupported layout/,
    );
    expect(code(() => decodeNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }", values)))).toMatch(
      /data size does not match the shape/,
    );
    expect(code(() => decodeNpy(new Uint8Array([1, 2, 3]), "x.npy"))).toMatch(
      /no magic string in .npy file; at x\.npy/,
    );
    const truncated = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", values).subarray(0, 30);
    expect(code(() => decodeNpy(truncated))).toMatch(/truncated header/);
  });
});
