import { bytesSource, collectSink } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { entryDataOffset, readZipDirectory } from "../codec/zip/read-zip-directory.js";
import { crc32 } from "./_crc32.js";
import { ZipWriter } from "./zip-writer.js";

describe("ZipWriter zip64 records (threshold lowered to 1 byte: what a file over 4 GB gets)", () => {
  it("writes zip64 sizes and offsets in local headers, descriptors and the directory; our reader takes them", async () => {
    const entries: [string, Uint8Array][] = [
      ["archive/data/0", Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)],
      ["archive/data/1", new Uint8Array(0)],
      ["archive/data.pkl", Uint8Array.from([0x80, 2, 0x4e, 0x2e])],
    ];
    const sink = collectSink();
    const zip = new ZipWriter(sink, 1);
    for (const [name, data] of entries) await zip.add(name, data);
    await zip.finish();
    const bytes = sink.bytes();
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(bytes.byteLength - 22 + 16, true)).toBe(0xffffffff); // directory offset deferred to zip64
    expect(view.getUint32(30 + 14 + 4 + 16 + 4, true)).toBe(0); // first local header's zip64 extra: sizes in the descriptor
    const source = bytesSource(bytes);
    const dir = await readZipDirectory(source, "t.zip");
    expect(dir.map((e) => [e.name, e.size, e.compressedSize, e.crc32])).toEqual(
      entries.map(([name, data]) => [name, data.byteLength, data.byteLength, crc32(data)]),
    );
    for (const [i, e] of dir.entries()) {
      const at = await entryDataOffset(source, e, "t.zip");
      expect(at % 64).toBe(0);
      expect(bytes.subarray(at, at + e.size)).toEqual(entries[i]![1]);
    }
  });
});
