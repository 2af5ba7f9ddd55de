import { describe, expect, it } from "vitest";
import { fixtureBytes, familyCases as familyCasesOf } from "../../../tools/conformance/src/index.js";
import { decodeSafetensorsModel } from "../src/codec/decode-safetensors-model.js";
import { BUILTIN_SCHEMES } from "../src/index.js";
import { scanScheme } from "../src/view/match-scheme.js";
import { selectScheme } from "../src/view/select-scheme.js";
import { familyCases } from "./_families.js";
import { memoryInput } from "./_memory-io.js";
import { editKeys, renameKeys } from "./_rename.js";

const swap = (pairs: [string, string][]) => (name: string) =>
  pairs.reduce((n, [from, to]) => n.replaceAll(from, to), name);

/** A train-time state dict of each built-in scheme: the fixtures, renamed where the fixtures have no such family. */
const SAMPLES: Record<string, () => Promise<Uint8Array>> = {
  repvgg: async () => fixtureBytes("repvgg_tiny.train.safetensors"),
  "timm-repvgg": async () => fixtureBytes("timm_repvgg.train.safetensors"),
  "timm-mobileone": async () => fixtureBytes("mobileone.train.safetensors"),
  mobileone: () =>
    renameKeys(
      fixtureBytes("mobileone.train.safetensors"),
      swap([
        [".conv_kxk.", ".rbr_conv."],
        [".conv_scale.", ".rbr_scale."],
        [".identity.", ".rbr_skip."],
      ]),
    ),
  yolov7: () =>
    renameKeys(
      fixtureBytes("repvgg_tiny.train.safetensors"),
      swap([
        [".conv.", ".0."],
        [".bn.", ".1."],
      ]),
    ),
  qarepvgg: async () => fixtureBytes("qarepvgg.train.safetensors"),
  acnet: async () => fixtureBytes("acnet.train.safetensors"),
  dbb: async () =>
    renameKeys(
      await editKeys(fixtureBytes("timm_repvgg.train.safetensors"), (k) => k.includes(".identity.")),
      swap([
        [".conv_kxk.", ".dbb_origin."],
        [".conv_1x1.", ".dbb_1x1."],
      ]),
    ),
};
for (const c of familyCases()) {
  const scheme = BUILTIN_SCHEMES.find((s) => s.family === c.family)!;
  SAMPLES[scheme.name] = async () => fixtureBytes(c.safetensors.train);
}
/** The families2 cases with state dicts whose family has a scheme of its own (MobileCLIP's text RepMixer is FastViT's). */
const families2 = familyCasesOf("families2").filter(
  (c) => c.safetensors != null && BUILTIN_SCHEMES.some((s) => s.family === c.family),
);
for (const c of families2) {
  const scheme = BUILTIN_SCHEMES.find((s) => s.family === c.family)!;
  SAMPLES[scheme.name] = async () => fixtureBytes(c.safetensors.train);
}

async function tensorsOf(bytes: Uint8Array) {
  return (await decodeSafetensorsModel(memoryInput("model.safetensors", { "model.safetensors": bytes }))).tensors;
}

describe("naming scheme detection", () => {
  it("has a sample for every built-in scheme", () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(BUILTIN_SCHEMES.map((s) => s.name).sort());
  });

  for (const own of BUILTIN_SCHEMES) {
    it(`${own.name}: picks its own scheme, and every other scheme fails, finds nothing or uses fewer keys`, async () => {
      const tensors = await tensorsOf(await SAMPLES[own.name]!());
      const choice = selectScheme(tensors);
      expect(choice.scheme.name).toBe(own.name);
      const used = (blocks: typeof choice.blocks) => blocks.reduce((n, b) => n + b.consumed.length, 0);
      const mine = used(choice.blocks);
      for (const other of BUILTIN_SCHEMES) {
        if (other === own) continue;
        const scan = scanScheme(tensors, other);
        const clean = scan.errors.length === 0 && scan.blocks.length > 0;
        expect(clean && used(scan.blocks) >= mine, `${other.name} on a ${own.name} state dict`).toBe(false);
      }
    });
  }

  for (const c of [...familyCases(), ...families2]) {
    it(`${c.name}: finds no block, and no error, in the deploy state dict with every scheme`, async () => {
      const tensors = await tensorsOf(fixtureBytes(c.safetensors.deploy));
      for (const scheme of BUILTIN_SCHEMES) {
        const scan = scanScheme(tensors, scheme);
        expect([scan.blocks.length, scan.errors.map((e) => e.error.message)], scheme.name).toEqual([0, []]);
      }
    });
  }
});
