import { bytesSource, collectSink, decodeUtf8Strict } from "@reparam/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectCode } from "../../test/_make-file.js";
import { decodeSafetensors } from "./decode-safetensors.js";
import { SAFETENSORS_DTYPES, type SafetensorsDtype } from "./dtype.js";
import { type SafetensorsEntry, encodeSafetensors, encodeSafetensorsBytes } from "./encode-safetensors.js";
import { planSafetensors } from "../write/plan-safetensors.js";
import { tensorByteLength } from "./tensor-byte-length.js";

const headerText = (file: Uint8Array): string => {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return decodeUtf8Strict(file.subarray(8, 8 + n)) ?? "";
};
const f32 = (name: string, values: number[]): SafetensorsEntry => ({
  name,
  dtype: "F32",
  shape: [values.length],
  data: new Uint8Array(new Float32Array(values).buffer),
});

describe("encodeSafetensors: the reference layout", () => {
  it("writes the reference's bytes for an empty file and for metadata only", async () => {
    expect([...(await encodeSafetensorsBytes([]))]).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 32, 32, 32, 32, 32, 32,
    ]);
    const withMeta = await encodeSafetensorsBytes([], { metadata: { framework: "pt" } });
    expect(headerText(withMeta)).toBe('{"__metadata__":{"framework":"pt"}}     ');
    expect(withMeta[0]).toBe(40);
  });

  it("writes one F32 tensor like the reference (compact JSON, space padding, then data)", async () => {
    const out = await encodeSafetensorsBytes([{ ...f32("attn.0", [0, 1, 2, 3, 4, 5]), shape: [1, 2, 3] }]);
    expect(headerText(out)).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(out[0]).toBe(64);
    expect([...out.subarray(72, 80)]).toEqual([0, 0, 0, 0, 0, 0, 128, 63]);
    const padded = await encodeSafetensorsBytes([{ ...f32("attn0", [0, 1, 2, 3, 4, 5]), shape: [1, 1, 2, 3] }]);
    expect(headerText(padded)).toBe('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');
  });

  it("orders by dtype rank descending (not by size), then by code point", () => {
    const spec = (name: string, dtype: SafetensorsDtype) => ({ name, dtype, shape: [2, 4] });
    const plan = planSafetensors([
      spec("a", "F64"),
      spec("b", "I64"),
      spec("c", "U64"),
      spec("d", "C64"),
      spec("e", "F16"),
      spec("f", "BF16"),
      spec("g", "F4"),
      spec("h", "BOOL"),
      spec("\uffff", "U8"),
      spec("\u{1F600}", "U8"),
      spec("Z", "U8"),
    ]);
    expect(plan.tensors.map((t) => t.name)).toEqual([
      "c",
      "b",
      "a",
      "d",
      "f",
      "e",
      "Z",
      "\uffff",
      "\u{1F600}",
      "g",
      "h",
    ]);
    expect(plan.tensors.map((t) => t.begin)).toEqual([0, 64, 128, 192, 256, 272, 288, 296, 304, 312, 316]);
    expect(plan.dataSize).toBe(324);
    expect(plan.headerSize % 8).toBe(0);
  });

  it("escapes names like serde_json and writes UTF-8", async () => {
    const out = await encodeSafetensorsBytes([
      { name: 'q"\\\n\u0001é/', dtype: "U8", shape: [0], data: new Uint8Array() },
    ]);
    expect(headerText(out).trimEnd()).toBe('{"q\\"\\\\\\n\\u0001é/":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}');
  });

  it("streams the header first, then one write per tensor, asking for lazy data in file order", async () => {
    const asked: string[] = [];
    const lazy = (name: string, dtype: SafetensorsDtype, n: number): SafetensorsEntry => ({
      name,
      dtype,
      shape: [n],
      data: () => {
        asked.push(name);
        return Promise.resolve(new Uint8Array(tensorByteLength(dtype, [n])).fill(n));
      },
    });
    const chunks: number[] = [];
    const sink = collectSink();
    await encodeSafetensors(
      [lazy("small", "U8", 3), lazy("big", "I64", 2)],
      {},
      {
        write: (c) => (chunks.push(c.byteLength), sink.write(c)),
      },
    );
    expect(asked).toEqual(["big", "small"]);
    expect(chunks.slice(1)).toEqual([16, 3]);
    const file = await decodeSafetensors(bytesSource(sink.bytes()));
    expect([...(await file.readTensor("small"))]).toEqual([3, 3, 3]);
  });
});

describe("encodeSafetensors: errors", () => {
  it("throws SAFETENSORS_SIZE_MISMATCH before writing anything for bytes given, on arrival for lazy bytes", async () => {
    const writes: number[] = [];
    const sink = { write: (c: Uint8Array) => (writes.push(c.byteLength), Promise.resolve()) };
    await expectCode(
      () => encodeSafetensors([{ ...f32("a", [1, 2]), shape: [3] }], {}, sink),
      "SAFETENSORS_SIZE_MISMATCH",
    );
    expect(writes).toEqual([]);
    const lazy = { name: "a", dtype: "U8", shape: [2], data: () => Promise.resolve(new Uint8Array(3)) } as const;
    await expectCode(() => encodeSafetensors([lazy], {}, sink), "SAFETENSORS_SIZE_MISMATCH");
  });

  it("throws SAFETENSORS_DUPLICATE_KEY, SAFETENSORS_BAD_ENTRY, SAFETENSORS_UNKNOWN_DTYPE, SAFETENSORS_BAD_SHAPE, SAFETENSORS_BAD_METADATA", async () => {
    const enc = (entries: unknown[], metadata?: unknown) =>
      encodeSafetensorsBytes(entries as SafetensorsEntry[], { metadata: metadata as Record<string, string> });
    await expectCode(() => enc([f32("a", [1]), f32("a", [2])]), "SAFETENSORS_DUPLICATE_KEY");
    await expectCode(() => enc([f32("__metadata__", [1])]), "SAFETENSORS_BAD_ENTRY");
    await expectCode(() => enc([f32("\ud800", [1])]), "SAFETENSORS_BAD_ENTRY");
    await expectCode(() => enc([{ ...f32("a", [1]), dtype: "F128" }]), "SAFETENSORS_UNKNOWN_DTYPE");
    await expectCode(() => enc([{ ...f32("a", [1]), shape: [-1] }]), "SAFETENSORS_BAD_SHAPE");
    await expectCode(() => enc([{ ...f32("a", [1]), shape: "1" }]), "SAFETENSORS_BAD_SHAPE");
    await expectCode(
      () => enc([{ name: "a", dtype: "F4", shape: [1], data: new Uint8Array(1) }]),
      "SAFETENSORS_BAD_SHAPE",
    );
    await expectCode(() => enc([], { a: 1 }), "SAFETENSORS_BAD_METADATA");
  });
});

// Random valid tensor sets: encode -> decode gives back names, dtypes, shapes and bytes.
const dtypes = Object.keys(SAFETENSORS_DTYPES) as SafetensorsDtype[];
const tensorArb = fc
  .record({
    name: fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => s !== "__metadata__"),
    dtype: fc.constantFrom(...dtypes),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
  })
  // Sub-byte dtypes need whole bytes: make the element count a multiple of 4.
  .map((t) => (SAFETENSORS_DTYPES[t.dtype].bits < 8 ? { ...t, shape: [...t.shape, 4] } : t));

describe("encode -> decode property", () => {
  it("returns the same tensors for random valid sets", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(tensorArb, { selector: (t) => t.name, maxLength: 8 }),
        fc.option(fc.dictionary(fc.string(), fc.string()), { nil: undefined }),
        fc.integer({ min: 0, max: 255 }),
        async (specs, metadata, seed) => {
          const entries = specs.map((t, i) => {
            const data = new Uint8Array(tensorByteLength(t.dtype, t.shape));
            for (let j = 0; j < data.length; j++) data[j] = (seed + 31 * i + j) & 0xff;
            return { ...t, data };
          });
          const bytes = await encodeSafetensorsBytes(entries, { metadata });
          const file = await decodeSafetensors(bytesSource(bytes));
          expect(file.metadata).toEqual(metadata);
          expect(file.tensors.length).toBe(entries.length);
          for (const e of entries) {
            const t = file.tensor(e.name);
            expect(t?.dtype).toBe(e.dtype);
            expect(t?.shape).toEqual(e.shape);
            expect(await file.readTensor(e.name)).toEqual(e.data);
          }
          // And encoding what was decoded gives the same bytes again.
          const again = await encodeSafetensorsBytes(
            await Promise.all(file.tensors.map(async (t) => ({ ...t, data: await file.readTensor(t.name) }))),
            { metadata: file.metadata },
          );
          expect(again).toEqual(bytes);
        },
      ),
      { numRuns: 200 },
    );
  });
});
