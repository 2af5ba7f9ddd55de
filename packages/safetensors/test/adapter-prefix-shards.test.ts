/// <reference types="node" />
import { bytesSource, reparameterize } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { decodeSafetensors, encodeSafetensorsBytes, safetensorsAdapter } from "../src/index.js";
import { decodeSafetensorsIndex } from "../src/codec/decode-safetensors-index.js";
import { encodeSafetensorsIndex } from "../src/codec/encode-safetensors-index.js";
import { entriesFromFile } from "../src/codec/entries-from-file.js";
import { convertBytes, memoryInput, memoryOutput } from "./_memory-io.js";
import { renameKeys, tensorsOf } from "./_rename.js";

const train = fixtureBytes("repvgg_tiny.train.safetensors");
const deploy = fixtureBytes("repvgg_tiny.deploy.safetensors");

describe("blocks under any prefix", () => {
  for (const prefix of ["module.", "backbone.stage1.0.", "model.module.backbone."]) {
    it(`matches by suffix and keeps the prefix ${JSON.stringify(prefix)}`, async () => {
      const { report, bytes } = await convertBytes(await renameKeys(train, (n) => prefix + n));
      expect(report.fused.map((f) => f.name)).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}blocks.${i}`));
      const expected = await tensorsOf(await renameKeys(deploy, (n) => prefix + n));
      expect(await tensorsOf(bytes)).toEqual(expected);
    });
  }

  it("converts a state dict that is one block (empty prefix)", async () => {
    const one = await renameKeys(train, (n) => n.replace(/^blocks\.2\./, ""));
    const { report, bytes } = await convertBytes(one);
    expect(report.fused.map((f) => f.name)).toContain("(root)");
    const out = await tensorsOf(bytes);
    const ref = await tensorsOf(deploy);
    expect(out.get("rbr_reparam.weight")).toEqual(ref.get("blocks.2.rbr_reparam.weight"));
    expect(out.get("rbr_reparam.bias")).toEqual(ref.get("blocks.2.rbr_reparam.bias"));
  });
});

describe("sharded checkpoints", () => {
  it("converts shards + index into the same shards + index, deploy convs in their block's shard", async () => {
    const file = await decodeSafetensors(bytesSource(train));
    // Blocks 0-2 and the head in shard 1, blocks 3-4 in shard 2 (block 2's BN split off to shard 2 too).
    const shardOf = (n: string) =>
      /^blocks\.[34]\./.test(n) || n.startsWith("blocks.2.rbr_identity")
        ? "model-00002-of-00002.safetensors"
        : "model-00001-of-00002.safetensors";
    const entries = entriesFromFile(file);
    const files: Record<string, Uint8Array> = {};
    for (const shard of ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]) {
      files[shard] = await encodeSafetensorsBytes(
        entries.filter((e) => shardOf(e.name) === shard),
        { metadata: { format: "pt" } },
      );
    }
    const weightMap = new Map(entries.map((e) => [e.name, shardOf(e.name)]));
    files["model.safetensors.index.json"] = encodeSafetensorsIndex({
      weightMap,
      metadata: { note: "kept" },
      totalSize: 1,
    });
    const output = memoryOutput("model.safetensors.index.json");
    const report = await reparameterize(
      safetensorsAdapter,
      memoryInput("model.safetensors.index.json", files),
      output,
      {},
    );
    expect(report.fused.length).toBe(5);
    expect([...output.files.keys()].sort()).toEqual([
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
      "model.safetensors.index.json",
    ]);
    const index = decodeSafetensorsIndex(output.files.get("model.safetensors.index.json")!);
    expect(index.metadata?.note).toBe("kept");
    const ref = await tensorsOf(deploy);
    const union = new Map();
    let total = 0;
    for (const shard of index.shardFiles) {
      const tensors = await tensorsOf(output.files.get(shard)!);
      for (const [name, t] of tensors) {
        expect(index.weightMap.get(name)).toBe(shard);
        union.set(name, t);
        total += t.bytes.byteLength;
      }
    }
    expect(union).toEqual(ref);
    expect(index.totalSize).toBe(total);
    expect(index.weightMap.get("blocks.2.rbr_reparam.weight")).toBe("model-00001-of-00002.safetensors");
    expect(index.weightMap.get("blocks.4.rbr_reparam.bias")).toBe("model-00002-of-00002.safetensors");
    expect(report.bytesWritten).toBe([...output.files.values()].reduce((n, b) => n + b.byteLength, 0));
  });
});
