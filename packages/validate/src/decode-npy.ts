import { ReparamError, widenFloat16 } from "@reparam/core";

/** An array read from a `.npy` file: float32 as it is, every other dtype widened to float64 (integers exact to 2^53). */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

type Read = (v: DataView, at: number) => number;
/** numpy dtype codes (after the byte-order character) -> element size and little-endian reader. */
const DTYPES: Readonly<Record<string, readonly [number, Read]>> = {
  f4: [4, (v, at) => v.getFloat32(at, true)],
  f8: [8, (v, at) => v.getFloat64(at, true)],
  f2: [2, (v, at) => widenFloat16(v.getUint16(at, true))],
  i1: [1, (v, at) => v.getInt8(at)],
  u1: [1, (v, at) => v.getUint8(at)],
  b1: [1, (v, at) => (v.getUint8(at) !== 0 ? 1 : 0)],
  i2: [2, (v, at) => v.getInt16(at, true)],
  u2: [2, (v, at) => v.getUint16(at, true)],
  i4: [4, (v, at) => v.getInt32(at, true)],
  u4: [4, (v, at) => v.getUint32(at, true)],
  i8: [8, (v, at) => Number(v.getBigInt64(at, true))],
  u8: [8, (v, at) => Number(v.getBigUint64(at, true))],
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** True when the bytes start with the `.npy` magic string. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((m, i) => bytes[i] === m);
}

/**
 * Decodes a `.npy` file holding a C-order little-endian array of a float
 * (`<f2`, `<f4`, `<f8`), integer (`<i1` .. `<u8`) or bool (`|b1`) dtype
 * (`|` and `=` mean the same as `<` here). Format versions
 * 1.0 (u16 header length) and 2.0/3.0 (u32). Throws `VALIDATE_BAD_INPUT` for
 * anything else: other dtypes, Fortran order, a truncated or malformed header,
 * a data size that does not match the shape.
 *
 * @param where - the file's name, for error messages.
 */
export function decodeNpy(bytes: Uint8Array, where = ".npy"): NpyArray {
  function bad(message: string, expected: string, found: string): never {
    throw new ReparamError("VALIDATE_BAD_INPUT", `${message} in .npy file`, { where, expected, found });
  }
  if (!isNpy(bytes)) bad("no magic string", "\\x93NUMPY", "other bytes");
  if (bytes.length < 10) bad("truncated header", "at least 10 bytes", `${bytes.length}`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) bad("unknown format version", "1, 2 or 3", `${major}.${bytes[7]}`);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) bad("truncated header", `${8 + lenSize} bytes`, `${bytes.length}`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenSize + headerLen;
  if (start > bytes.length) bad("truncated header", `${start} bytes`, `${bytes.length}`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(8 + lenSize, start));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const dtype = descr !== undefined && /^[<|=]/.test(descr) ? DTYPES[descr.slice(1)] : undefined;
  if (dtype === undefined)
    bad(
      "unsupported dtype",
      "a little-endian float, integer or bool ('<f4', '<i8', '|b1' ...)",
      descr ?? header.trim(),
    );
  const [size, read] = dtype;
  if (!/'fortran_order'\s*:\s*False/.test(header)) bad("unsupported layout", "'fortran_order': False", header.trim());
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) bad("no shape", "'shape': (...)", header.trim());
  const parts = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (!parts.every((p) => /^\d+$/.test(p))) bad("malformed shape", "non-negative integers", `(${shapeText})`);
  const shape = parts.map(Number);
  const count = shape.reduce((p, d) => p * d, 1);
  if (bytes.length - start !== count * size)
    bad(
      "data size does not match the shape",
      `${count * size} bytes for (${shape.join(", ")})`,
      `${bytes.length - start}`,
    );
  const data = descr!.endsWith("f4") ? new Float32Array(count) : new Float64Array(count);
  const body = new DataView(bytes.buffer, bytes.byteOffset + start, count * size);
  for (let i = 0; i < count; i++) data[i] = read(body, i * size);
  return { shape, data };
}
