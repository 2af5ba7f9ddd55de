import { bytesSource, collectSink } from "@reparam/core";
import { decodeSafetensors } from "@reparam/safetensors";
import { describe, expect, it } from "vitest";
import { deployArch } from "../src/arch/deploy-arch.js";
import { paramCount } from "../src/arch/param-count.js";
import { emitSafetensors } from "../src/emit/emit-safetensors.js";
import type { Arch } from "../src/arch/arch.js";
import { SMALL_ARCHS, sameBytes } from "./small-archs.js";

async function emitted(arch: Arch, seed = 0): Promise<Uint8Array> {
  const sink = collectSink();
  await emitSafetensors(arch, { seed }, sink);
  return sink.bytes();
}

async function decoded(arch: Arch, seed = 0) {
  const bytes = await emitted(arch, seed);
  const file = await decodeSafetensors(bytesSource(bytes));
  const f32 = async (name: string) => {
    const b = (await file.readTensor(name)).slice();
    return new Float32Array(b.buffer);
  };
  return { file, f32, keys: file.tensors.map((t) => t.name) };
}

describe("emitSafetensors", () => {
  it("writes the official RepVGG state dict, BN buffers included", async () => {
    const { file, keys } = await decoded(SMALL_ARCHS["repvgg-sample"]!);
    expect(file.metadata).toEqual({ format: "pt" });
    const bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];
    const stem = [
      "stage0.rbr_dense.conv.weight",
      ...bn.map((k) => `stage0.rbr_dense.bn.${k}`),
      "stage0.rbr_1x1.conv.weight",
      ...bn.map((k) => `stage0.rbr_1x1.bn.${k}`),
    ];
    expect(keys.filter((k) => k.startsWith("stage0.")).sort()).toEqual(stem.sort());
    expect(keys).toContain("stage1.1.rbr_identity.running_var");
    expect(keys.some((k) => k.startsWith("stage1.0.rbr_identity"))).toBe(false);
    expect(file.tensor("stage0.rbr_dense.conv.weight")).toMatchObject({ dtype: "F32", shape: [16, 3, 3, 3] });
    expect(file.tensor("stage0.rbr_dense.bn.num_batches_tracked")).toMatchObject({ dtype: "I64", shape: [] });
    expect(file.tensor("linear.weight")).toMatchObject({ dtype: "F32", shape: [10, 64] });
    const learnable = file.tensors.filter((t) => t.dtype === "F32" && !t.name.includes(".running_"));
    expect(learnable.reduce((a, t) => a + t.shape.reduce((p, d) => p * d, 1), 0)).toBe(
      paramCount(SMALL_ARCHS["repvgg-sample"]!),
    );
  });

  it("draws BN statistics as documented", async () => {
    const { f32, keys } = await decoded(SMALL_ARCHS.mobileone!);
    const all = async (suffix: string) =>
      (await Promise.all(keys.filter((k) => k.endsWith(suffix)).map(f32))).flatMap((a) => [...a]);
    const vars = await all(".running_var");
    expect(Math.min(...vars)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...vars)).toBeLessThanOrEqual(2);
    const gammas = await all("bn.weight");
    expect(Math.min(...gammas)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...gammas)).toBeLessThanOrEqual(1.5);
    const means = await all(".running_mean");
    const sd = Math.sqrt(means.reduce((a, m) => a + m * m, 0) / means.length);
    expect(sd).toBeGreaterThan(0.08);
    expect(sd).toBeLessThan(0.12);
  });

  it.each([
    [
      "mobileone",
      [
        "stage1.0.rbr_conv.3.conv.weight",
        "stage1.0.rbr_scale.bn.running_mean",
        "stage1.1.rbr_skip.weight",
        "stage4.1.se.reduce.weight",
        "stage4.1.se.expand.bias",
      ],
    ],
    [
      "mobileone-timm",
      ["stage1.0.conv_kxk.1.conv.weight", "stage1.0.conv_scale.conv.weight", "stage1.1.identity.running_var"],
    ],
    ["repvgg-timm", ["stage1.1.conv_kxk.conv.weight", "stage1.1.conv_1x1.bn.bias", "stage1.1.identity.weight"]],
    ["repvgg-se", ["stage0.se.down.weight", "stage2.1.se.up.bias"]],
    ["qarepvgg", ["stage1.1.rbr_dense.conv.weight", "stage1.1.rbr_1x1.weight", "stage1.1.bn.running_var"]],
    [
      "yolov7",
      [
        "model.0.rbr_dense.0.weight",
        "model.0.rbr_dense.1.running_mean",
        "model.0.rbr_1x1.1.bias",
        "model.2.rbr_identity.weight",
      ],
    ],
    ["acnet", ["stem.square_conv.weight", "stem.ver_bn.weight", "stage2.1.hor_bn.num_batches_tracked"]],
    [
      "dbb",
      [
        "stage0.dbb_origin.conv.weight",
        "stage0.dbb_1x1.bn.running_var",
        "stage0.dbb_avg.conv.weight",
        "stage0.dbb_avg.bn.bn.running_mean",
        "stage0.dbb_avg.avgbn.weight",
      ],
    ],
    [
      "dbb",
      [
        "stage1.1.dbb_1x1_kxk.idconv1.weight",
        "stage1.1.dbb_1x1_kxk.bn1.bn.bias",
        "stage1.1.dbb_1x1_kxk.conv2.weight",
        "stage1.1.dbb_1x1_kxk.bn2.num_batches_tracked",
      ],
    ],
    ["dbb-dw", ["stage1.1.dbb_1x1_kxk.conv1.weight", "stage1.1.dbb_avg.avgbn.running_var"]],
  ])("uses %s's key names", async (name, expected) => {
    const { keys } = await decoded(SMALL_ARCHS[name]!);
    for (const k of expected) expect(keys).toContain(k);
    if (name === "qarepvgg")
      expect(keys.some((k) => k.includes("rbr_identity") || k.includes("rbr_1x1.bn"))).toBe(false);
    // Depthwise DBB: no dbb_1x1, no avg 1x1; a plain conv1 to twice the channels.
    if (name === "dbb-dw")
      expect(
        keys.filter((k) => k.startsWith("stage1.1.") && /dbb_1x1\.|dbb_avg\.conv|dbb_avg\.bn\.|idconv1/.test(k)),
      ).toEqual([]);
  });

  it("gives ACNet's kx1 and 1xk kernels their shapes", async () => {
    const { file } = await decoded(SMALL_ARCHS.acnet!);
    expect(file.tensor("stem.ver_conv.weight")!.shape).toEqual([8, 3, 3, 1]);
    expect(file.tensor("stem.hor_conv.weight")!.shape).toEqual([8, 3, 1, 3]);
  });

  it.each([
    ["repvgg-sample", "rbr_reparam"],
    ["repvgg-timm", "reparam_conv"],
    ["mobileone", "reparam_conv"],
    ["qarepvgg", "rbr_reparam"],
    ["yolov7", "rbr_reparam"],
    ["acnet", "fused_conv"],
    ["dbb", "dbb_reparam"],
    ["dbb-g2", "dbb_reparam"],
  ])("writes %s's deploy state dict with %s keys", async (name, reparam) => {
    const { keys } = await decoded(deployArch(SMALL_ARCHS[name]!));
    const blockKeys = keys.filter((k) => !k.startsWith("linear.") && !k.includes(".se."));
    expect(blockKeys.every((k) => k.endsWith(`.${reparam}.weight`) || k.endsWith(`.${reparam}.bias`))).toBe(true);
    expect(blockKeys).toHaveLength(2 * SMALL_ARCHS[name]!.blocks.length);
  });

  it("gives DBB's kernels their shapes (depthwise: conv1 to 2x channels, grouped conv2)", async () => {
    const { file } = await decoded(SMALL_ARCHS["dbb-dw"]!);
    expect(file.tensor("stage1.1.dbb_origin.conv.weight")!.shape).toEqual([16, 1, 3, 3]);
    expect(file.tensor("stage1.1.dbb_1x1_kxk.conv1.weight")!.shape).toEqual([32, 1, 1, 1]);
    expect(file.tensor("stage1.1.dbb_1x1_kxk.conv2.weight")!.shape).toEqual([16, 2, 3, 3]);
    expect(file.tensor("stage0.dbb_1x1_kxk.idconv1.weight")!.shape).toEqual([3, 3, 1, 1]);
  });

  it.each(["repvgg-g2", "dbb-g2"])(
    "%s: gives the same bytes for the same seed and different ones for another",
    async (name) => {
      const arch = SMALL_ARCHS[name]!;
      const a = await emitted(arch, 5);
      expect(sameBytes(await emitted(arch, 5), a)).toBe(true);
      expect(sameBytes(await emitted(arch, 6), a)).toBe(false);
    },
  );
});
