import { bytesSource } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { expectCode, makeFile, sourceOf } from "../../test/_make-file.js";
import { decodeSafetensors } from "./decode-safetensors.js";

const entry = (dtype: string, shape: number[], begin: number, end: number): string =>
  `{"dtype":"${dtype}","shape":[${shape.join(",")}],"data_offsets":[${begin},${end}]}`;
const decode = (header: string, dataSize: number) => decodeSafetensors(sourceOf(header, dataSize));

describe("decodeSafetensors: valid files", () => {
  it("reads metadata, tensors in data order, and each tensor's bytes", async () => {
    const header = `{"__metadata__":{"format":"pt","__proto__":"x"},"b":${entry("F16", [2], 8, 12)},"a":${entry("F32", [2], 0, 8)}}   `;
    const file = await decode(header, 12);
    expect(file.headerSize).toBe(header.length);
    expect(file.dataStart).toBe(8 + header.length);
    expect(file.dataSize).toBe(12);
    expect(Object.keys(file.metadata ?? {})).toEqual(["format", "__proto__"]);
    // biome-ignore lint/suspicious/noProto: the test is that a "__proto__" key is kept as data
    expect(file.metadata?.__proto__).toBe("x");
    expect(file.tensors.map((t) => [t.name, t.dtype, t.shape, t.begin, t.end])).toEqual([
      ["a", "F32", [2], 0, 8],
      ["b", "F16", [2], 8, 12],
    ]);
    expect(file.tensor("b")?.dtype).toBe("F16");
    expect(file.tensor("c")).toBeUndefined();
    expect([...(await file.readTensor("b"))]).toEqual([8, 9, 10, 11]);
    await expectCode(() => file.readTensor("c"), "SAFETENSORS_TENSOR_NOT_FOUND");
  });

  it("accepts an empty header, no metadata, zero-size and scalar tensors, sub-byte dtypes", async () => {
    expect((await decode("{}      ", 0)).tensors).toEqual([]);
    const file = await decode(
      `{"z":${entry("F32", [0, 3], 0, 0)},"s":${entry("I64", [], 0, 8)},"q":${entry("F4", [3, 2], 8, 11)}}`,
      11,
    );
    expect(file.metadata).toBeUndefined();
    expect(file.tensors.map((t) => t.name)).toEqual(["z", "s", "q"]);
  });
});

describe("decodeSafetensors: errors", () => {
  it("throws SAFETENSORS_TRUNCATED for under 8 bytes, a header past the end, data cut short", async () => {
    await expectCode(() => decodeSafetensors(bytesSource(new Uint8Array(7))), "SAFETENSORS_TRUNCATED");
    await expectCode(() => decodeSafetensors(sourceOf("{}", 0, 3n)), "SAFETENSORS_TRUNCATED");
    const full = makeFile(`{"a":${entry("F32", [4], 0, 16)}}`, 16);
    await expectCode(
      () => decodeSafetensors(bytesSource(full.subarray(0, full.byteLength - 1))),
      "SAFETENSORS_TRUNCATED",
    );
    await expectCode(() => decodeSafetensors(bytesSource(full.subarray(0, 20))), "SAFETENSORS_TRUNCATED");
  });

  it("throws SAFETENSORS_TRUNCATED when the source returns short reads", async () => {
    const inner = sourceOf("{}", 0);
    await expectCode(
      () => decodeSafetensors({ size: inner.size, read: async (o, l) => (await inner.read(o, l)).subarray(1) }),
      "SAFETENSORS_TRUNCATED",
    );
  });

  it("throws SAFETENSORS_HEADER_TOO_LARGE for a header length over 100,000,000, 2^63, 2^64 - 1", async () => {
    for (const n of [100_000_001n, 2n ** 63n, 2n ** 64n - 1n]) {
      await expectCode(() => decodeSafetensors(sourceOf("{}", 0, n)), "SAFETENSORS_HEADER_TOO_LARGE");
    }
  });

  it("throws SAFETENSORS_HEADER_NOT_UTF8 for a header that is not valid UTF-8", async () => {
    for (const bad of [
      [0x7b, 0xff, 0x7d],
      [0x7b, 0xc3, 0x7d],
      [0x7b, 0xed, 0xa0, 0x80, 0x7d],
    ]) {
      await expectCode(() => decodeSafetensors(sourceOf(new Uint8Array(bad), 0)), "SAFETENSORS_HEADER_NOT_UTF8");
    }
  });

  it("throws SAFETENSORS_HEADER_NOT_JSON for bad syntax, not an object, zero padding, a BOM", async () => {
    for (const h of ['{"a":', "[]", '"x"', "null", "{}\0\0\0\0\0\0", "\ufeff{}", "{},"]) {
      await expectCode(() => decode(h, 0), "SAFETENSORS_HEADER_NOT_JSON");
    }
  });

  it("throws SAFETENSORS_DUPLICATE_KEY for a repeated top-level tensor, metadata key, entry key", async () => {
    const a = entry("U8", [1], 0, 1);
    await expectCode(() => decode(`{"a":${a},"a":${a}}`, 1), "SAFETENSORS_DUPLICATE_KEY");
    await expectCode(() => decode(`{"__metadata__":{"k":"1","k":"2"}}`, 0), "SAFETENSORS_DUPLICATE_KEY");
    await expectCode(() => decode(`{"__metadata__":{},"__metadata__":{}}`, 0), "SAFETENSORS_DUPLICATE_KEY");
    await expectCode(
      () => decode(`{"a":{"dtype":"U8","shape":[1],"dtype":"I8","data_offsets":[0,1]}}`, 1),
      "SAFETENSORS_DUPLICATE_KEY",
    );
  });

  it("throws SAFETENSORS_BAD_METADATA for __metadata__ that is not a map of strings", async () => {
    for (const m of ['"pt"', "null", "[]", '{"a":1}', '{"a":null}', '{"a":{"b":"c"}}', '{"a":["x"]}']) {
      await expectCode(() => decode(`{"__metadata__":${m}}`, 0), "SAFETENSORS_BAD_METADATA");
    }
  });

  it("throws SAFETENSORS_UNKNOWN_DTYPE for a dtype it does not know", async () => {
    for (const d of ["F128", "f32", "", "F8_E4M3FNUZ", "__proto__"]) {
      await expectCode(() => decode(`{"a":${entry(d, [1], 0, 1)}}`, 1), "SAFETENSORS_UNKNOWN_DTYPE");
    }
  });

  it("throws SAFETENSORS_BAD_ENTRY for an entry that is not an object, has missing or extra keys, wrong JSON types", async () => {
    const bad = [
      "[]",
      '"F32"',
      '{"dtype":"U8","shape":[1]}',
      '{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":0}',
      '{"dtype":8,"shape":[1],"data_offsets":[0,1]}',
      '{"dtype":"U8","shape":1,"data_offsets":[0,1]}',
      '{"dtype":"U8","shape":[1],"data_offsets":"0-1"}',
    ];
    for (const e of bad) await expectCode(() => decode(`{"a":${e}}`, 1), "SAFETENSORS_BAD_ENTRY");
  });

  it("throws SAFETENSORS_BAD_SHAPE for negative, fractional, huge dims, overflow, a partial byte", async () => {
    const bad: [string, number][] = [
      [entry("U8", [-1], 0, 1), 1],
      ['{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}', 1],
      ['{"dtype":"U8","shape":[1e0],"data_offsets":[0,1]}', 1],
      ['{"dtype":"U8","shape":["1"],"data_offsets":[0,1]}', 1],
      ['{"dtype":"U8","shape":[18446744073709551617],"data_offsets":[0,1]}', 1],
      [entry("F32", [4294967296, 4294967296], 0, 0), 0],
      [entry("U64", [2 ** 51, 2 ** 51, 2 ** 51], 0, 0), 0],
      [entry("F4", [3], 0, 1), 1],
    ];
    for (const [e, size] of bad) await expectCode(() => decode(`{"a":${e}}`, size), "SAFETENSORS_BAD_SHAPE");
  });

  it("throws SAFETENSORS_BAD_OFFSETS for offsets malformed, reversed, not from 0, with a hole, overlapping, not to the end", async () => {
    const cases: [string, number][] = [
      ['{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}', 1],
      ['{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}', 1],
      ['{"a":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}', 1],
      ['{"a":{"dtype":"U8","shape":[0],"data_offsets":[1,0]}}', 1],
      [`{"a":${entry("U8", [1], 1, 2)}}`, 2],
      [`{"a":${entry("U8", [1], 0, 1)},"b":${entry("U8", [1], 2, 3)}}`, 3],
      [`{"a":${entry("U8", [2], 0, 2)},"b":${entry("U8", [2], 1, 3)}}`, 3],
      [`{"a":${entry("U8", [2], 0, 2)},"b":${entry("U8", [2], 0, 2)}}`, 2],
      [`{"a":${entry("U8", [2], 0, 2)}}`, 3],
      ["{}", 1],
    ];
    for (const [h, size] of cases) await expectCode(() => decode(h, size), "SAFETENSORS_BAD_OFFSETS");
  });

  it("throws SAFETENSORS_SIZE_MISMATCH when the offsets do not span shape x dtype bytes", async () => {
    await expectCode(() => decode(`{"a":${entry("F32", [2], 0, 4)}}`, 4), "SAFETENSORS_SIZE_MISMATCH");
    await expectCode(() => decode(`{"a":${entry("F16", [], 0, 4)}}`, 4), "SAFETENSORS_SIZE_MISMATCH");
  });

  it("names the file and tensor in the message", async () => {
    const source = sourceOf(`{"conv.weight":${entry("F32", [2], 0, 4)}}`, 4);
    await expect(decodeSafetensors(source, { where: "model.safetensors" })).rejects.toThrow(
      /model\.safetensors tensor "conv\.weight".*expected 8 bytes.*found 4 bytes/,
    );
  });
});
