import { bytesSource } from "@reparam/core";
import { type Tensor4, addTensors, batchNorm, maxAbs, maxAbsDiff, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { entriesFromFile } from "../src/codec/entries-from-file.js";
import { decodeSafetensors, encodeSafetensorsBytes } from "../src/index.js";
import { Dict, convBn, deployForward, randomInput } from "./_dict.js";
import { convertBytes } from "./_memory-io.js";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { renameKeys, tensorsOf } from "./_rename.js";

function close(a: Tensor4, b: Tensor4): void {
  expect(a.shape).toEqual(b.shape);
  expect(maxAbsDiff(a.data, b.data)).toBeLessThanOrEqual(1e-5 * maxAbs(b.data));
}

/** t * s[c] per channel (one value: every channel). */
function scaled(t: Tensor4, s: ArrayLike<number>): Tensor4 {
  const [, c, h, w] = t.shape;
  const data = Float64Array.from(t.data, (v, i) => v * s[s.length === 1 ? 0 : Math.floor(i / (h * w)) % c]!);
  return { data, shape: t.shape };
}

describe("RepViT RepVggDw, legacy form", () => {
  it("folds conv.c/bn + conv1.c/bn + x (no post-sum bn) into the module's weight and bias", async () => {
    const d = new Dict(seededRandom(31));
    const p = "features.2.token_mixer.";
    const x = randomInput(d.rand, 8, 7, 7);
    const y3 = convBn(x, d.conv(`${p}conv.c`, [8, 1, 3, 3]), d.bn(`${p}conv.bn`, 8), 1, 8);
    const y1 = convBn(x, d.conv(`${p}conv1.c`, [8, 1, 1, 1]), d.bn(`${p}conv1.bn`, 8), 1, 8);
    d.other("features.2.channel_mixer.conv1.c.weight", [16, 8, 1, 1]);
    const { report, bytes } = await convertBytes(await d.bytes());
    expect(report.families).toEqual({ repvit_repvggdw: 1 });
    close(await deployForward(bytes, "features.2.token_mixer", x, 1), addTensors([y3, y1, x]));
    expect((await tensorsOf(bytes)).has("features.2.channel_mixer.conv1.c.weight")).toBe(true);
  });
});

describe("RepViT beside a plain Conv2d_BN called conv", () => {
  it("fuses only the module with a 1x1 conv1 and passes conv.c + conv.bn without one through", async () => {
    const d = new Dict(seededRandom(32));
    const p = "features.2.token_mixer.";
    const x = randomInput(d.rand, 8, 5, 5);
    const y3 = convBn(x, d.conv(`${p}conv.c`, [8, 1, 3, 3]), d.bn(`${p}conv.bn`, 8), 1, 8);
    const y1 = convBn(x, d.conv(`${p}conv1`, [8, 1, 1, 1], true), undefined, 1, 8);
    d.conv("stem.conv.c", [8, 3, 3, 3]);
    d.bn("stem.conv.bn", 8);
    const input = await d.bytes();
    const { report, bytes } = await convertBytes(input);
    expect(report.fused.map((b) => b.name)).toEqual(["features.2.token_mixer"]);
    close(await deployForward(bytes, "features.2.token_mixer", x, 1), addTensors([y3, y1, x]));
    const before = await tensorsOf(input);
    const after = await tensorsOf(bytes);
    for (const k of [...before.keys()].filter((n) => n.startsWith("stem.")))
      expect(after.get(k)).toEqual(before.get(k));
  });
});

describe("FastViT RepMixer", () => {
  for (const shape of [[8, 1, 1], [1, 8, 1, 1], [1], undefined]) {
    it(`equals x + layer_scale * (mixer(x) - norm(x)) with a layer scale of shape ${shape === undefined ? "none" : `[${shape}]`}`, async () => {
      const d = new Dict(seededRandom(7 + (shape?.length ?? 0)));
      const p = "stages.0.blocks.1.token_mixer.";
      const x = randomInput(d.rand, 8, 6, 5);
      const mixer = addTensors([
        convBn(x, d.conv(`${p}mixer.conv_kxk.0.conv`, [8, 1, 3, 3]), d.bn(`${p}mixer.conv_kxk.0.bn`, 8), 1, 8),
        convBn(x, d.conv(`${p}mixer.conv_kxk.1.conv`, [8, 1, 3, 3]), d.bn(`${p}mixer.conv_kxk.1.bn`, 8), 1, 8),
        convBn(x, d.conv(`${p}mixer.conv_scale.conv`, [8, 1, 1, 1]), d.bn(`${p}mixer.conv_scale.bn`, 8), 1, 8),
        batchNorm(x, d.bn(`${p}mixer.identity`, 8)),
      ]);
      const norm = batchNorm(x, d.bn(`${p}norm.identity`, 8));
      let s: ArrayLike<number> = [1];
      if (shape !== undefined) {
        d.other(`${p}layer_scale.gamma`, shape);
        s = d.tensors[`${p}layer_scale.gamma`]!.values;
      }
      const { report, bytes } = await convertBytes(await d.bytes());
      expect(report.families).toEqual({ fastvit_repmixer: 1 });
      const want = addTensors([
        x,
        scaled(mixer, s),
        scaled(
          norm,
          Array.from(s, (v) => -v),
        ),
      ]);
      close(await deployForward(bytes, `${p}reparam_conv`, x, 1), want);
    });
  }
});

describe("linear-bn beside Conv2d_BN modules", () => {
  it("fuses the 2-D Linear_BN and BN_Linear and passes 4-D c + bn (a Conv2d_BN) through", async () => {
    const d = new Dict(seededRandom(5));
    d.conv("patch_embed.0.c", [8, 4, 3, 3]);
    d.bn("patch_embed.0.bn", 8);
    d.tensors["head.0.c.weight"] = { shape: [6, 8], values: new Float32Array(48).fill(0.25) };
    d.bn("head.0.bn", 6);
    d.bn("head.1.bn", 6);
    d.tensors["head.1.l.weight"] = { shape: [3, 6], values: new Float32Array(18).fill(0.5) };
    d.tensors["head.1.l.bias"] = { shape: [3], values: new Float32Array(3).fill(0.1) };
    const input = await d.bytes();
    const { report, bytes } = await convertBytes(input, { scheme: "linear-bn" });
    expect(report.fused.map((b) => b.name)).toEqual(["head.0", "head.1"]);
    const out = await tensorsOf(bytes);
    expect([out.get("head.0.weight")?.shape, out.get("head.1.weight")?.shape]).toEqual([
      [6, 8],
      [3, 6],
    ]);
    const before = await tensorsOf(input);
    for (const k of [...before.keys()].filter((n) => n.startsWith("patch_embed.")))
      expect(out.get(k)).toEqual(before.get(k));
  });
});

describe("timm FastViT ReparamLargeKernelConv", () => {
  it("converts large_conv + small_conv into reparam_conv, as RepLKNet's names into lkb_reparam", async () => {
    const fixture = "families/lk_small_kernel";
    const timm = await renameKeys(fixtureBytes(`${fixture}.train.safetensors`), (k) =>
      k.replace(".lkb_origin.", ".large_conv."),
    );
    const { report, bytes } = await convertBytes(timm);
    expect(report.families).toEqual({ lk_small_kernel: 4 });
    const want = await renameKeys(fixtureBytes(`${fixture}.deploy.safetensors`), (k) =>
      k.replace(".lkb_reparam.", ".reparam_conv."),
    );
    expect(await tensorsOf(bytes)).toEqual(await tensorsOf(want));
  });
});

describe("Apple ml-fastvit names", () => {
  const apple: Record<string, [string, string][]> = {
    fastvit_repmixer: [
      [".mixer.conv_kxk.", ".mixer.rbr_conv."],
      [".mixer.conv_scale.", ".mixer.rbr_scale."],
      [".mixer.identity.", ".mixer.rbr_skip."],
      [".norm.identity.", ".norm.rbr_skip."],
      [".layer_scale.gamma", ".layer_scale"],
    ],
    fastvit_repcpe: [[".pos_enc.", ".pe."]],
  };
  for (const [name, pairs] of Object.entries(apple)) {
    it(`converts ${name} under Apple's key names to the same deploy state dict`, async () => {
      const rename = (k: string) => pairs.reduce((n, [from, to]) => n.replace(from, to), k);
      const train = await renameKeys(fixtureBytes(`families/${name}.train.safetensors`), rename);
      const { report, bytes } = await convertBytes(train);
      expect(report.families).toEqual({ [name]: name === "fastvit_repmixer" ? 4 : 3 });
      expect(await tensorsOf(bytes)).toEqual(await tensorsOf(fixtureBytes(`families/${name}.deploy.safetensors`)));
    });
  }
});

describe("a RepViT-like checkpoint with a BN_Linear head", () => {
  it("converts the RepVggDw blocks first, then the head with a second pass under scheme linear-bn", async () => {
    const body = await decodeSafetensors(bytesSource(fixtureBytes("families/repvit_repvggdw.train.safetensors")));
    const head = await decodeSafetensors(bytesSource(fixtureBytes("families/linear_bn.train.safetensors")));
    const entries = [
      ...entriesFromFile(body),
      ...entriesFromFile(head)
        .filter((e) => e.name.startsWith("blocks.1."))
        .map((e) => ({ ...e, name: e.name.replace("blocks.1.", "classifier.") })),
    ];
    const both = await encodeSafetensorsBytes(entries, { metadata: body.metadata });
    const first = await convertBytes(both);
    expect(first.report.families).toEqual({ repvit_repvggdw: 4 });
    const second = await convertBytes(first.bytes, { scheme: "linear-bn" });
    expect(second.report.families).toEqual({ linear_bn: 1 });
    const out = await tensorsOf(second.bytes);
    expect(out.get("classifier.weight")?.shape).toEqual([32, 32]);
    expect(out.get("blocks.0.token_mixer.weight")?.shape).toEqual([16, 1, 3, 3]);
  });
});

describe("a FastViT-like checkpoint: RepMixers beside plain MobileOne blocks", () => {
  async function merged(): Promise<Uint8Array> {
    const mixers = await decodeSafetensors(bytesSource(fixtureBytes("families/fastvit_repmixer.train.safetensors")));
    const mobile = await decodeSafetensors(bytesSource(fixtureBytes("mobileone.train.safetensors")));
    const entries = [
      ...entriesFromFile(mixers),
      ...entriesFromFile(mobile).map((e) => ({ ...e, name: `patch_embed.${e.name}` })),
    ];
    return encodeSafetensorsBytes(entries, { metadata: mixers.metadata });
  }

  it("refuses a RepMixer's mixer under timm-mobileone and fuses the whole RepMixer under timm-fastvit-repmixer", async () => {
    const input = await merged();
    const mobile = await convertBytes(input, { scheme: "timm-mobileone" });
    expect(mobile.report.refused.map((r) => [r.block, r.reason])).toEqual(
      [0, 1, 2, 3].map((i) => [`blocks.${i}.token_mixer.mixer`, "UNSUPPORTED_BRANCH"]),
    );
    expect(mobile.report.refused[0]?.message).toContain("convert with scheme timm-fastvit-repmixer first");
    const first = await convertBytes(input, { scheme: "timm-fastvit-repmixer" });
    expect(first.report.families).toEqual({ fastvit_repmixer: 4 });
    const second = await convertBytes(first.bytes);
    expect(second.report.refused).toEqual([]);
    expect(second.report.families).toEqual({ mobileone: mobile.report.fused.length });
    const out = await tensorsOf(second.bytes);
    expect([...out.keys()].filter((k) => k.includes("conv_kxk") || k.includes("norm.identity"))).toEqual([]);
  });
});
