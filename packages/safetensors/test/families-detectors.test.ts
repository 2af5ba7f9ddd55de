import { bytesSource } from "@reparam/core";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { decodeSafetensorsModel } from "../src/codec/decode-safetensors-model.js";
import { entriesFromFile } from "../src/codec/entries-from-file.js";
import { scanScheme } from "../src/view/match-scheme.js";
import { linearBnScheme } from "../src/view/schemes/linear-bn-scheme.js";
import { decodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { Dict } from "./_dict.js";
import { convertBytes, memoryInput } from "./_memory-io.js";
import { tensorsOf } from "./_rename.js";

/** The fixture with a CSP stage beside its blocks: 1x1 `conv1` and `conv2` ConvBN pairs on one input, concatenated, not summed. */
async function withCsp(fixture: string): Promise<Uint8Array> {
  const d = new Dict(seededRandom(3));
  d.conv("stages.0.conv1.conv", [4, 8, 1, 1]);
  d.bn("stages.0.conv1.bn", 4);
  d.conv("stages.0.conv2.conv", [4, 8, 1, 1]);
  d.bn("stages.0.conv2.bn", 4);
  d.conv("stages.0.conv3.conv", [8, 8, 1, 1]);
  d.bn("stages.0.conv3.bn", 8);
  const csp = await decodeSafetensors(bytesSource(await d.bytes()));
  const blocks = await decodeSafetensors(bytesSource(fixtureBytes(fixture)));
  return encodeSafetensorsBytes([...entriesFromFile(blocks), ...entriesFromFile(csp)], { metadata: blocks.metadata });
}

describe("PP-YOLOE and YOLOv9 beside a CSP stage's 1x1 conv1/conv2", () => {
  for (const [name, family, blocks] of [
    ["ppyoloe_alpha", "ppyoloe_alpha", 4],
    ["yolov9_repconvn", "yolov9_repconvn", 5],
  ] as const) {
    it(`${name}: fuses only the 3x3 + 1x1 blocks and passes the CSP stage through`, async () => {
      const input = await withCsp(`families/${name}.train.safetensors`);
      const { report, bytes } = await convertBytes(input);
      expect(report.families).toEqual({ [family]: blocks });
      expect(report.refused).toEqual([]);
      const before = await tensorsOf(input);
      const after = await tensorsOf(bytes);
      for (const k of [...before.keys()].filter((n) => n.startsWith("stages.")))
        expect(after.get(k)).toEqual(before.get(k));
    });
  }

  it("refuses PP-YOLOE blocks read as yolov9 (alpha would be left behind)", async () => {
    const input = await withCsp("families/ppyoloe_alpha.train.safetensors");
    const { report } = await convertBytes(input, { scheme: "yolov9" });
    expect(report.fused).toEqual([]);
    expect(report.refused.map((r) => r.block)).toEqual(["blocks.0", "blocks.1", "blocks.2", "blocks.3"]);
    expect(report.refused[0]?.message).toContain("convert with scheme ppyoloe first");
  });
});

describe("conv1/conv2 in sequence (a CSPNeXt block: 3x3 then 5x5)", () => {
  it("is no YOLOv9 or PP-YOLOE block: conv2 of those is 1x1", async () => {
    const d = new Dict(seededRandom(8));
    d.conv("neck.blocks.0.conv1.conv", [8, 8, 3, 3]);
    d.bn("neck.blocks.0.conv1.bn", 8);
    d.conv("neck.blocks.0.conv2.conv", [8, 1, 5, 5]);
    d.bn("neck.blocks.0.conv2.bn", 8);
    const input = await d.bytes();
    const { report, bytes } = await convertBytes(input);
    expect(report.fused).toEqual([]);
    expect(await tensorsOf(bytes)).toEqual(await tensorsOf(input));
  });
});

describe("RepCPE names on other modules", () => {
  it("passes a dense conv called pe or pos_enc through: only a depthwise one is a RepCPE", async () => {
    const d = new Dict(seededRandom(4));
    d.conv("encoder.pe", [8, 8, 3, 3], true);
    d.conv("decoder.pos_enc", [8, 8, 3, 3], true);
    const input = await d.bytes();
    const { report, bytes } = await convertBytes(input);
    expect(report.fused).toEqual([]);
    expect(await tensorsOf(bytes)).toEqual(await tensorsOf(input));
  });
});

describe("linear-bn names on other modules", () => {
  it("passes a Linear called c or l without its BatchNorm through, not renamed", async () => {
    const d = new Dict(seededRandom(6));
    d.tensors["head.l.weight"] = { shape: [3, 6], values: new Float32Array(18).fill(0.5) };
    d.tensors["head.l.bias"] = { shape: [3], values: new Float32Array(3) };
    d.tensors["proj.c.weight"] = { shape: [6, 4], values: new Float32Array(24).fill(0.25) };
    const input = await d.bytes();
    const model = await decodeSafetensorsModel(memoryInput("m.safetensors", { "m.safetensors": input }));
    expect(scanScheme(model.tensors, linearBnScheme)).toEqual({ blocks: [], errors: [] });
    const { report, bytes } = await convertBytes(input);
    expect(report.fused).toEqual([]);
    expect(await tensorsOf(bytes)).toEqual(await tensorsOf(input));
  });
});
