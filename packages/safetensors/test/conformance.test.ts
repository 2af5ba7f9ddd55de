/// <reference types="node" />
import { readdirSync } from "node:fs";
import { bytesSource, collectSink } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { fixtureBytes, fixturesDir } from "../../../tools/conformance/src/index.js";
import { decodeSafetensors, encodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { entriesFromFile } from "../src/codec/entries-from-file.js";

// Written by the reference Python library: re-encoding must give the same bytes.
const files = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".safetensors"))
  .sort();

describe("conformance fixtures written by the reference library", () => {
  it("finds the fixtures", () => {
    expect(files.length).toBeGreaterThanOrEqual(21);
  });

  for (const file of files) {
    it(`${file}: round-trips byte-identically through decode -> encode`, async () => {
      const bytes = fixtureBytes(file);
      const decoded = await decodeSafetensors(bytesSource(bytes), { where: file });
      expect(decoded.metadata).toEqual({ format: "pt" });
      expect(decoded.dataStart + decoded.dataSize).toBe(bytes.byteLength);
      const sink = collectSink();
      const plan = await encodeSafetensors(entriesFromFile(decoded), { metadata: decoded.metadata }, sink);
      expect(plan.fileSize).toBe(bytes.byteLength);
      expect(Buffer.from(sink.bytes()).equals(Buffer.from(bytes))).toBe(true);
      // Same bytes when the tensors are given in another order, all in memory.
      const eager = await Promise.all(
        [...decoded.tensors].reverse().map(async (t) => ({ ...t, data: await decoded.readTensor(t.name) })),
      );
      const again = await encodeSafetensorsBytes(eager, { metadata: decoded.metadata });
      expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    });
  }

  it("reads only that tensor's bytes with readTensor", async () => {
    const bytes = fixtureBytes("repvgg_tiny.train.safetensors");
    const reads: [number, number][] = [];
    const source = bytesSource(bytes);
    const decoded = await decodeSafetensors({
      size: source.size,
      read(offset, length) {
        reads.push([offset, length]);
        return source.read(offset, length);
      },
    });
    expect(reads).toEqual([
      [0, 8],
      [8, decoded.headerSize],
    ]);
    const last = decoded.tensors[decoded.tensors.length - 1];
    if (last === undefined) throw new Error("no tensors");
    const data = await decoded.readTensor(last.name);
    expect(reads[2]).toEqual([decoded.dataStart + last.begin, last.end - last.begin]);
    expect(data).toEqual(bytes.subarray(decoded.dataStart + last.begin, decoded.dataStart + last.end));
  });
});
