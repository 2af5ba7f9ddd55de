import { bytesSource, collectSink, encodeUtf8 } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { entryDataOffset, readZipDirectory } from "../codec/zip/read-zip-directory.js";
import { crc32 } from "./_crc32.js";
import { ZipWriter } from "./zip-writer.js";

async function zipOf(entries: [string, Uint8Array][]): Promise<Uint8Array> {
  const sink = collectSink();
  const zip = new ZipWriter(sink);
  for (const [name, data] of entries) await zip.add(name, data);
  await zip.finish();
  return sink.bytes();
}

describe("ZipWriter", () => {
  it("writes stored entries, data 64-byte aligned, CRC and sizes in the directory; read back by our reader", async () => {
    const entries: [string, Uint8Array][] = [
      ["archive/data.pkl", encodeUtf8("pickle")],
      ["archive/data/0", new Uint8Array(0)],
      ["archive/data/1", Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff)],
    ];
    const bytes = await zipOf(entries);
    const source = bytesSource(bytes);
    const dir = await readZipDirectory(source, "t.zip");
    expect(dir.map((e) => e.name)).toEqual(entries.map((e) => e[0]));
    for (const [i, e] of dir.entries()) {
      const data = entries[i]![1];
      expect([e.method, e.size, e.compressedSize, e.crc32]).toEqual([0, data.byteLength, data.byteLength, crc32(data)]);
      const at = await entryDataOffset(source, e, "t.zip");
      expect(at % 64).toBe(0);
      expect(bytes.subarray(at, at + data.byteLength)).toEqual(data);
    }
  });

  it("writes zip64 end records when there are 65,535 entries or more", async () => {
    const entries = Array.from({ length: 65_600 }, (_, i): [string, Uint8Array] => [
      `a/${i}`,
      new Uint8Array([i & 0xff]),
    ]);
    const bytes = await zipOf(entries);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint16(bytes.byteLength - 22 + 10, true)).toBe(0xffff); // the classic record defers to zip64
    expect(view.getUint32(bytes.byteLength - 22 - 20, true)).toBe(0x07064b50); // zip64 locator
    const dir = await readZipDirectory(bytesSource(bytes), "t.zip");
    expect(dir).toHaveLength(65_600);
    expect(dir.at(-1)?.name).toBe("a/65599");
  });
});
