import { batchNorm, maxAbs, maxAbsDiff, seededRandom } from "@reparam/test-utils";
import { bytesSource, narrowBFloat16, narrowFloat16 } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { decodeSafetensors, safetensorsAdapter } from "../src/index.js";
import { Dict, convBn, deployForward, randomInput } from "./_dict.js";
import { convertBytes } from "./_memory-io.js";
import { tensorsOf } from "./_rename.js";
import { stateDict } from "./_state-dict.js";
import { ulpDistance16 } from "./_ulp.js";

const train = fixtureBytes("repvgg_tiny.train.safetensors");

describe("eps", () => {
  it("defaults to 1e-5, is settable, and the notes say which was used", async () => {
    const se = fixtureBytes("repvgg_se_eps.train.safetensors");
    const ref = await tensorsOf(fixtureBytes("repvgg_se_eps.deploy.safetensors"));
    const wrong = await convertBytes(se);
    expect(wrong.report.notes).toContain(
      "BatchNorm eps 0.00001 (default, PyTorch's; pass eps for models trained with another, e.g. 1e-3 for YOLO)".replace(
        "0.00001",
        String(1e-5),
      ),
    );
    expect(await tensorsOf(wrong.bytes)).not.toEqual(ref);
    const right = await convertBytes(se, { eps: 1e-3 });
    expect(right.report.notes).toContain("BatchNorm eps 0.001");
    expect(await tensorsOf(right.bytes)).toEqual(ref);
  });
});

describe("dtype", () => {
  it("forces the fused tensors to F16 with f16 and copies the others as they are", async () => {
    const { bytes } = await convertBytes(train, { dtype: "f16" });
    const out = await tensorsOf(bytes);
    const ref = await tensorsOf(fixtureBytes("repvgg_tiny.deploy.safetensors"));
    expect(out.get("head.weight")).toEqual(ref.get("head.weight"));
    const w = out.get("blocks.4.rbr_reparam.weight")!;
    expect(w.dtype).toBe("F16");
    // Rounded once from float64: narrowing the reference (float64 rounded to float32) again may differ only by a double rounding.
    const r = new Float32Array(ref.get("blocks.4.rbr_reparam.weight")!.bytes.buffer);
    const h = new Uint16Array(w.bytes.buffer);
    const distances = Array.from(r, (v, i) => ulpDistance16(h[i]!, narrowFloat16(v)));
    expect(Math.max(...distances)).toBeLessThanOrEqual(1);
  });

  it("forces F16 blocks to F32 with f32", async () => {
    const { bytes } = await convertBytes(fixtureBytes("repvgg_tiny.train_f16.safetensors"), { dtype: "f32" });
    const out = await tensorsOf(bytes);
    expect(out.get("blocks.0.rbr_reparam.weight")?.dtype).toBe("F32");
    expect(out.get("head.weight")?.dtype).toBe("F16");
  });

  it("keeps the dtype of BF16 and F64 blocks, rounded once", async () => {
    const d = new Dict(seededRandom(21));
    d.conv("rbr_dense.conv", [4, 4, 3, 3]);
    d.bn("rbr_dense.bn", 4);
    d.conv("rbr_1x1.conv", [4, 4, 1, 1]);
    d.bn("rbr_1x1.bn", 4);
    d.bn("rbr_identity", 4);
    // Values exactly representable in bfloat16, so that every dtype fuses the same numbers.
    for (const t of Object.values(d.tensors))
      if (t.dtype === undefined)
        (t as { values: ArrayLike<number> }).values = Float32Array.from(
          t.values,
          (v) => new Float32Array(new Uint32Array([narrowBFloat16(v) << 16]).buffer)[0]!,
        );
    const as = (dtype: "BF16" | "F64") =>
      stateDict(
        Object.fromEntries(Object.entries(d.tensors).map(([k, t]) => [k, t.dtype === undefined ? { ...t, dtype } : t])),
      );
    const f64 = await tensorsOf((await convertBytes(await as("F64"))).bytes);
    const bf16 = await tensorsOf((await convertBytes(await as("BF16"))).bytes);
    const wide = new Float64Array(f64.get("rbr_reparam.weight")!.bytes.buffer);
    const half = new Uint16Array(bf16.get("rbr_reparam.weight")!.bytes.buffer);
    expect(f64.get("rbr_reparam.weight")?.dtype).toBe("F64");
    expect(bf16.get("rbr_reparam.weight")?.dtype).toBe("BF16");
    expect(Array.from(half)).toEqual(Array.from(wide, narrowBFloat16));
  });
});

describe("QARepVGG keepPostBn and strided", () => {
  it("keeps bn.* with keepPostBn (for QAT) and fuses the branches without it", async () => {
    const d = new Dict(seededRandom(31));
    const x = randomInput(d.rand, 6, 6, 6);
    const dense = convBn(x, d.conv("m.rbr_dense.conv", [6, 6, 3, 3]), d.bn("m.rbr_dense.bn", 6), 1, 1);
    const one = convBn(x, d.conv("m.rbr_1x1", [6, 6, 1, 1]), undefined, 1, 1);
    const post = d.bn("m.bn", 6);
    const { report, bytes } = await convertBytes(await d.bytes(), { keepPostBn: true });
    const out = await tensorsOf(bytes);
    expect([...out.keys()].sort()).toEqual([
      "m.bn.bias",
      "m.bn.num_batches_tracked",
      "m.bn.running_mean",
      "m.bn.running_var",
      "m.bn.weight",
      "m.rbr_reparam.bias",
      "m.rbr_reparam.weight",
    ]);
    expect(report.notes.some((n) => n.includes("kept 5 post-BN keys"))).toBe(true);
    // The kept BN after the deploy conv gives the train-time output.
    const y = batchNorm(await deployForward(bytes, "m.rbr_reparam", x, 1), post);
    const expected = batchNorm(
      { data: dense.data.map((v, i) => v + one.data[i]! + x.data[i]!), shape: dense.shape },
      post,
    );
    expect(maxAbsDiff(y.data, expected.data)).toBeLessThanOrEqual(1e-5 * maxAbs(expected.data));
  });

  it("adds no bare identity to a block listed as strided, even with in == out", async () => {
    const qa = fixtureBytes("qarepvgg.train.safetensors");
    const plain = await convertBytes(qa);
    const strided = await convertBytes(qa, { strided: ["blocks.1"] });
    expect(plain.report.fused.find((f) => f.name === "blocks.1")?.branches).toEqual(["3x3+bn", "1x1", "identity"]);
    expect(strided.report.fused.find((f) => f.name === "blocks.1")?.branches).toEqual(["3x3+bn", "1x1"]);
  });
});

describe("report, notes, metadata, detect", () => {
  it("lists the keys passed through, counts dropped num_batches_tracked, keeps __metadata__", async () => {
    const { report } = await convertBytes(train);
    expect(report.notes).toContain("passed through unchanged, not part of any block (2): head.bias, head.weight");
    expect(report.notes).toContain("dropped 12 num_batches_tracked of fused BatchNorms");
    expect(report.notes[0]).toBe("naming scheme repvgg (family repvgg): 5 blocks found, 5 fused into rbr_reparam");
    expect(report.details).toEqual({ files: "1 file", tensors: "72", dtypes: "I64 x12, F32 x60", format: "pt" });
    expect(report.parameters.after).toBe(
      8 * 27 + 8 + 16 * 72 + 16 + 16 * 144 + 16 + 32 * 144 + 32 + 32 * 288 + 32 + 330,
    );
    const d = new Dict(seededRandom(41));
    d.conv("rbr_dense.conv", [2, 2, 3, 3]);
    d.bn("rbr_dense.bn", 2);
    const meta = await stateDict(d.tensors, { format: "pt", producer: "test", "": "empty key" });
    const out = await convertBytes(meta);
    expect((await decodeSafetensors(bytesSource(out.bytes))).metadata).toEqual({
      format: "pt",
      producer: "test",
      "": "empty key",
    });
  });

  it("leaves a block named in exclude in its train-time form", async () => {
    const { report, bytes } = await convertBytes(train, { exclude: ["blocks.2"] });
    expect(report.skipped.map((s) => s.name)).toEqual(["blocks.2"]);
    const out = await tensorsOf(bytes);
    expect(out.has("blocks.2.rbr_reparam.weight")).toBe(false);
    expect(out.has("blocks.2.rbr_identity.num_batches_tracked")).toBe(true);
    expect(report.notes).toContain("1 blocks not fused keep their train-time keys");
  });

  it("detects a file by name, or by the header's first bytes", () => {
    expect(safetensorsAdapter.detect("m.safetensors", new Uint8Array())).toBe(true);
    expect(safetensorsAdapter.detect("model.safetensors.index.json", new Uint8Array())).toBe(true);
    expect(safetensorsAdapter.detect("weights.bin", train.subarray(0, 16))).toBe(true);
    expect(safetensorsAdapter.detect("model.onnx", new Uint8Array([8, 1, 18, 4, 0, 0, 0, 0, 0]))).toBe(false);
  });
});
