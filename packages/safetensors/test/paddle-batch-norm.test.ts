import { describe, expect, it } from "vitest";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convertBytes } from "./_memory-io.js";
import { editKeys, renameKeys, tensorsOf } from "./_rename.js";

const paddle = (name: string) => name.replace(/\.running_mean$/, "._mean").replace(/\.running_var$/, "._variance");
const lcnet = familyCases("families2").find((c) => c.name === "pplcnetv3")!;

describe("BatchNorm statistics under Paddle's names (_mean, _variance)", () => {
  it("fuses a timm RepVGG state dict renamed to them into the same deploy tensors", async () => {
    const train = fixtureBytes("timm_repvgg.train.safetensors");
    const renamed = await renameKeys(await editKeys(train, (k) => k.endsWith(".num_batches_tracked")), paddle);
    const a = await convertBytes(train);
    const b = await convertBytes(renamed);
    expect(b.report.fused.map((f) => f.name)).toEqual(a.report.fused.map((f) => f.name));
    const before = await tensorsOf(a.bytes);
    const after = await tensorsOf(b.bytes);
    expect([...after.keys()].sort()).toEqual(
      [...before.keys()].filter((k) => !k.endsWith("num_batches_tracked")).sort(),
    );
    for (const [k, t] of after) expect(t, k).toEqual(before.get(k));
  });

  it("refuses a BatchNorm with both PyTorch's and Paddle's statistics", async () => {
    const train = fixtureBytes(lcnet.safetensors.train);
    const bn = "blocks2.0.dw_conv.conv_kxk.0.bn";
    const both = await editKeys(train, () => false, { [`${bn}.running_var`]: `${bn}._variance` });
    await expect(convertBytes(both, { scheme: "pplcnetv3" })).rejects.toThrow(/_mean\/_variance/);
  });
});

describe("PP-LCNetV3's lab affine after the sum", () => {
  it("is folded only where both its scale and bias are: a scale alone is an incomplete block", async () => {
    const train = fixtureBytes(lcnet.safetensors.train);
    const half = await editKeys(train, (k) => k === "blocks2.0.pw_conv.lab.bias");
    await expect(convertBytes(half, { scheme: "pplcnetv3" })).rejects.toThrow(/scale and bias/);
  });

  it("refuses a block whose lab is neither one value nor one per output channel", async () => {
    const train = fixtureBytes(lcnet.safetensors.train);
    const wide = await editKeys(train, (k) => k === "blocks2.0.pw_conv.lab.scale", {
      "blocks2.0.pw_conv.lab.scale": "blocks2.0.pw_conv.conv_kxk.0.bn.weight",
    });
    const { report } = await convertBytes(wide);
    expect(report.refused.map((r) => [r.block, r.reason])).toEqual([["blocks2.0.pw_conv", "CHANNEL_MISMATCH"]]);
    expect(report.fused.length).toBe(7);
  });
});

describe("PP-LCNetV3's reparam_conv in a checkpoint saved after rep()", () => {
  it("is recomputed from the branches and lab, never read: the output is the same as without it", async () => {
    const train = fixtureBytes(lcnet.safetensors.train);
    const p = "blocks2.0.dw_conv.";
    const repped = await editKeys(train, () => false, {
      [`${p}reparam_conv.weight`]: `${p}conv_kxk.0.conv.weight`,
      [`${p}reparam_conv.bias`]: `${p}conv_kxk.0.bn.bias`,
    });
    const a = await convertBytes(train);
    const b = await convertBytes(repped);
    expect(b.report.fused.length).toBe(lcnet.blocks);
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
  });
});
