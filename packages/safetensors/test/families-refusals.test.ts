import { bytesSource } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { decodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { entriesFromFile } from "../src/codec/entries-from-file.js";
import { convertBytes } from "./_memory-io.js";
import { expectCode } from "./_make-file.js";
import { editKeys, renameKeys, tensorsOf } from "./_rename.js";

const REPMIXER = "families/fastvit_repmixer.train.safetensors";
const DILATED = "families/unireplknet_dilated.train.safetensors";
const GAMMA = "blocks.0.token_mixer.layer_scale.gamma";

/** The file with one tensor given another shape, keeping its first `product(shape)` values. */
async function reshape(bytes: Uint8Array, key: string, shape: number[]): Promise<Uint8Array> {
  const file = await decodeSafetensors(bytesSource(bytes));
  const entries = entriesFromFile(file).map((e) =>
    e.name !== key
      ? e
      : {
          ...e,
          shape,
          data: async () =>
            (await file.readTensor(key)).slice(
              0,
              shape.reduce((n, d) => n * d, 4),
            ),
        },
  );
  return encodeSafetensorsBytes(entries, { metadata: file.metadata });
}

/** The block's train keys are in the output as they were in the input. */
async function keptAsIs(input: Uint8Array, output: Uint8Array, prefix: string): Promise<void> {
  const before = await tensorsOf(input);
  const after = await tensorsOf(output);
  const keys = [...before.keys()].filter((k) => k.startsWith(prefix));
  expect(keys.length).toBeGreaterThan(0);
  for (const k of keys) expect(after.get(k)).toEqual(before.get(k));
}

describe("FastViT RepMixer layer scale", () => {
  for (const shape of [[16], [2, 1, 1], [8, 2, 1]]) {
    it(`refuses a layer scale of shape [${shape}] (not one value nor one per channel) and keeps that block's keys`, async () => {
      const input = await reshape(fixtureBytes(REPMIXER), GAMMA, shape);
      const { report, bytes } = await convertBytes(input);
      expect(report.refused.map((r) => [r.block, r.reason])).toEqual([["blocks.0.token_mixer", "CHANNEL_MISMATCH"]]);
      expect(report.refused[0]?.message).toContain(GAMMA);
      expect(report.families).toEqual({ fastvit_repmixer: 3 });
      await keptAsIs(input, bytes, "blocks.0.token_mixer.");
    });
  }

  it("accepts one value, and [1, C, 1, 1] as per channel", async () => {
    const one = await convertBytes(await reshape(fixtureBytes(REPMIXER), GAMMA, [1]));
    expect(one.report.refused).toEqual([]);
    expect(one.report.families).toEqual({ fastvit_repmixer: 4 });
    const wide = await convertBytes(await reshape(fixtureBytes(REPMIXER), GAMMA, [1, 16, 1, 1]));
    const plain = await convertBytes(fixtureBytes(REPMIXER));
    expect(wide.bytes).toEqual(plain.bytes);
  });

  it("treats a missing layer scale (nn.Identity) as 1", async () => {
    const { report } = await convertBytes(
      await renameKeys(fixtureBytes(REPMIXER), (k) => (k === GAMMA ? "blocks.0.unrelated" : k)),
    );
    expect(report.refused).toEqual([]);
    expect(report.families).toEqual({ fastvit_repmixer: 4 });
  });
});

describe("UniRepLKNet dilated branches", () => {
  it("refuses a branch whose dilated extent (k - 1) * r + 1 exceeds the main kernel, and keeps its block", async () => {
    // dil_conv_k3_3 (extent 7) renamed to dilation 4: extent 9 > the 7x7 lk_origin.
    const input = await renameKeys(fixtureBytes(DILATED), (k) =>
      k.startsWith("blocks.1.") ? k.replace("_k3_3.", "_k3_4.") : k,
    );
    const { report, bytes } = await convertBytes(input);
    expect(report.refused.map((r) => [r.block, r.reason])).toEqual([["blocks.1.dwconv", "FORMAT_UNSUPPORTED"]]);
    expect(report.refused[0]?.message).toContain("9x9");
    expect(report.families).toEqual({ unireplknet_dilated: 2 });
    await keptAsIs(input, bytes, "blocks.1.dwconv.");
  });

  it("refuses a branch whose kernel is not the size its name says", async () => {
    const input = await renameKeys(fixtureBytes(DILATED), (k) =>
      k.startsWith("blocks.2.") ? k.replace("_k3_2.", "_k5_2.") : k,
    );
    const { report } = await convertBytes(input);
    expect(report.refused.map((r) => [r.block, r.reason])).toEqual([["blocks.2.dwconv", "CHANNEL_MISMATCH"]]);
  });
});

describe("UniRepLKNet strictness", () => {
  it("throws SAFETENSORS_INCOMPLETE_BLOCK for a dilated branch's BatchNorm without its conv", async () => {
    const input = await editKeys(fixtureBytes(DILATED), (k) => k === "blocks.0.dwconv.dil_conv_k3_2.weight");
    await expectCode(() => convertBytes(input), "SAFETENSORS_INCOMPLETE_BLOCK");
  });
});

describe("YOLOv9 RepConvN eps", () => {
  it("defaults to the family's 1e-3, and the eps option overrides it", async () => {
    const train = fixtureBytes("families/yolov9_repconvn.train.safetensors");
    const own = await convertBytes(train);
    expect(own.report.notes.join("\n")).toContain("BatchNorm eps 0.001 (family yolov9_repconvn's");
    const given = await convertBytes(train, { eps: 1e-3 });
    expect(given.bytes).toEqual(own.bytes);
    const other = await convertBytes(train, { eps: 1e-5 });
    expect(other.bytes).not.toEqual(own.bytes);
  });
});
