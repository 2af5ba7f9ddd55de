import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { expectCode } from "./_make-file.js";
import { Dict } from "./_dict.js";
import { convertBytes } from "./_memory-io.js";
import { editKeys, tensorsOf } from "./_rename.js";
import { repvggBlock, stateDict } from "./_state-dict.js";

const train = fixtureBytes("repvgg_tiny.train.safetensors");
const convert =
  (bytes: Uint8Array | Promise<Uint8Array>, options = {}) =>
  async () =>
    convertBytes(await bytes, options);

describe("safetensors adapter: incomplete blocks", () => {
  it("refuses a BatchNorm without its running variance (SAFETENSORS_INCOMPLETE_BLOCK)", async () => {
    await expectCode(
      convert(editKeys(train, (n) => n === "blocks.1.rbr_dense.bn.running_var")),
      "SAFETENSORS_INCOMPLETE_BLOCK",
    );
  });
  it("refuses a BatchNorm with weight but no bias (SAFETENSORS_INCOMPLETE_BLOCK)", async () => {
    await expectCode(convert(editKeys(train, (n) => n === "blocks.3.rbr_1x1.bn.bias")), "SAFETENSORS_INCOMPLETE_BLOCK");
  });
  it("refuses a 1x1 branch whose block has no main conv (SAFETENSORS_INCOMPLETE_BLOCK)", async () => {
    await expectCode(
      convert(editKeys(train, (n) => n.startsWith("blocks.1.rbr_dense."))),
      "SAFETENSORS_INCOMPLETE_BLOCK",
    );
  });
  it("refuses a BatchNorm whose conv is missing (SAFETENSORS_INCOMPLETE_BLOCK)", async () => {
    await expectCode(
      convert(editKeys(train, (n) => n === "blocks.2.rbr_1x1.conv.weight")),
      "SAFETENSORS_INCOMPLETE_BLOCK",
    );
  });
  it("refuses an unknown key under a branch, a QAT observer (SAFETENSORS_INCOMPLETE_BLOCK)", async () => {
    await expectCode(
      convert(editKeys(train, () => false, { "blocks.0.rbr_dense.conv.weight_fake_quant": "head.bias" })),
      "SAFETENSORS_INCOMPLETE_BLOCK",
    );
  });
  it("refuses a block missing a required branch, QARepVGG without rbr_1x1, naming the scheme (SAFETENSORS_INCOMPLETE_BLOCK)", async () => {
    const qa = fixtureBytes("qarepvgg.train.safetensors");
    await expectCode(
      convert(
        editKeys(qa, (n) => n === "blocks.2.rbr_1x1.weight"),
        { scheme: "qarepvgg" },
      ),
      "SAFETENSORS_INCOMPLETE_BLOCK",
    );
  });
});

describe("safetensors adapter: shape mismatches", () => {
  it("refuses an identity BN over 8 channels in an 8 -> 16 block, in != out (SAFETENSORS_SHAPE_MISMATCH)", async () => {
    const rand = seededRandom(1);
    const dict = repvggBlock("b.", 8, 16, false, rand);
    const id = repvggBlock("x.", 8, 8, true, rand);
    for (const k of ["weight", "bias", "running_mean", "running_var"])
      dict[`b.rbr_identity.${k}`] = id[`x.rbr_identity.${k}`]!;
    await expectCode(convert(stateDict(dict)), "SAFETENSORS_SHAPE_MISMATCH");
  });
  it("refuses a BatchNorm whose length is not the conv's output channels (SAFETENSORS_SHAPE_MISMATCH)", async () => {
    await expectCode(
      convert(
        editKeys(train, (n) => n === "blocks.1.rbr_1x1.bn.running_mean", {
          "blocks.1.rbr_1x1.bn.running_mean": "blocks.0.rbr_1x1.bn.running_mean",
        }),
      ),
      "SAFETENSORS_SHAPE_MISMATCH",
    );
  });
  it("refuses a 1x1 branch with other output channels than the 3x3 (SAFETENSORS_SHAPE_MISMATCH)", async () => {
    const rand = seededRandom(2);
    const dict = { ...repvggBlock("b.", 8, 16, false, rand) };
    const other = repvggBlock("c.", 8, 8, false, rand);
    for (const k of Object.keys(other).filter((k) => k.startsWith("c.rbr_1x1")))
      dict[k.replace("c.", "b.")] = other[k]!;
    await expectCode(convert(stateDict(dict)), "SAFETENSORS_SHAPE_MISMATCH");
  });
});

describe("safetensors adapter: mixed forms", () => {
  it("refuses a block with both rbr_dense and rbr_reparam (SAFETENSORS_MIXED_FORMS)", async () => {
    await expectCode(
      convert(editKeys(train, () => false, { "blocks.2.rbr_reparam.weight": "blocks.2.rbr_dense.conv.weight" })),
      "SAFETENSORS_MIXED_FORMS",
    );
  });
  it("refuses a half-converted block, rbr_reparam beside a leftover rbr_1x1 (SAFETENSORS_MIXED_FORMS)", async () => {
    const bytes = editKeys(train, (n) => n.startsWith("blocks.2.rbr_dense"), {
      "blocks.2.rbr_reparam.weight": "blocks.2.rbr_dense.conv.weight",
    });
    await expectCode(convert(bytes), "SAFETENSORS_MIXED_FORMS");
  });
});

describe("safetensors adapter: no scheme", () => {
  it("writes a deploy state dict unchanged, with no block found, when no scheme is named", async () => {
    const deploy = fixtureBytes("repvgg_tiny.deploy.safetensors");
    const { report, bytes } = await convertBytes(deploy);
    expect([report.blocksFound, report.fused.length]).toEqual([0, 0]);
    expect(Buffer.from(bytes).equals(Buffer.from(deploy))).toBe(true);
  });
  it("refuses an unknown scheme name (SAFETENSORS_NO_SCHEME)", async () => {
    await expectCode(convert(train, { scheme: "resnet" }), "SAFETENSORS_NO_SCHEME");
  });
  it("refuses a scheme named that matches no block (SAFETENSORS_NO_SCHEME)", async () => {
    await expectCode(convert(train, { scheme: "acnet" }), "SAFETENSORS_NO_SCHEME");
  });
});

describe("safetensors adapter: bad BatchNorm statistics", () => {
  const withVar = (v: number) => {
    const dict = new Dict(seededRandom(3));
    dict.conv("m.rbr_dense.conv", [4, 4, 3, 3]);
    dict.bn("m.rbr_dense.bn", 4);
    dict.bn("m.rbr_identity", 4);
    (dict.tensors["m.rbr_identity.running_var"]!.values as Float32Array)[2] = v;
    return dict.bytes();
  };
  it("refuses a NaN running variance (SAFETENSORS_BAD_BN)", async () =>
    expectCode(convert(withVar(Number.NaN)), "SAFETENSORS_BAD_BN"));
  it("refuses a negative running variance (SAFETENSORS_BAD_BN)", async () =>
    expectCode(convert(withVar(-0.5)), "SAFETENSORS_BAD_BN"));
  it("refuses an infinite gamma (SAFETENSORS_BAD_BN)", async () => {
    const dict = new Dict(seededRandom(4));
    dict.conv("rbr_dense.conv", [4, 4, 3, 3]);
    dict.bn("rbr_dense.bn", 4);
    (dict.tensors["rbr_dense.bn.weight"]!.values as Float32Array)[0] = Number.POSITIVE_INFINITY;
    await expectCode(convert(dict.bytes()), "SAFETENSORS_BAD_BN");
  });
});

describe("safetensors adapter: other errors and refusals", () => {
  it("throws SAFETENSORS_BAD_OPTION for eps < 0 and an unknown dtype", async () => {
    await expectCode(convert(train, { eps: -1 }), "SAFETENSORS_BAD_OPTION");
    await expectCode(convert(train, { dtype: "f8" }), "SAFETENSORS_BAD_OPTION");
  });
  it("throws SAFETENSORS_UNSUPPORTED_DTYPE for an integer conv weight", async () => {
    const rand = seededRandom(5);
    const dict = repvggBlock("", 4, 4, false, rand);
    dict["rbr_dense.conv.weight"] = { shape: [4, 4, 3, 3], values: new Array(144).fill(1), dtype: "I64" };
    await expectCode(convert(stateDict(dict)), "SAFETENSORS_UNSUPPORTED_DTYPE");
  });
  it("throws SAFETENSORS_AMBIGUOUS_BLOCK for DBB with both idconv1 and conv1", async () => {
    const d = new Dict(seededRandom(6));
    d.conv("dbb_origin.conv", [4, 4, 3, 3]);
    d.bn("dbb_origin.bn", 4);
    d.conv("dbb_1x1_kxk.idconv1", [4, 4, 1, 1]);
    d.conv("dbb_1x1_kxk.conv1", [4, 4, 1, 1]);
    d.bn("dbb_1x1_kxk.bn1.bn", 4);
    d.conv("dbb_1x1_kxk.conv2", [4, 4, 3, 3]);
    d.bn("dbb_1x1_kxk.bn2", 4);
    await expectCode(convert(d.bytes()), "SAFETENSORS_AMBIGUOUS_BLOCK");
  });
  it("reports an algebra refusal (var + eps = 0) and keeps the block as it is", async () => {
    const d = new Dict(seededRandom(7));
    d.conv("a.rbr_dense.conv", [4, 4, 3, 3]);
    d.bn("a.rbr_dense.bn", 4);
    d.conv("b.rbr_dense.conv", [4, 4, 3, 3]);
    d.bn("b.rbr_dense.bn", 4);
    (d.tensors["b.rbr_dense.bn.running_var"]!.values as Float32Array)[1] = 0;
    const { report, bytes } = await convertBytes(await d.bytes(), { eps: 0 });
    expect(report.fused.map((f) => f.name)).toEqual(["a"]);
    expect(report.refused.map((r) => [r.block, r.reason])).toEqual([["b", "BAD_BATCH_NORM"]]);
    const out = await tensorsOf(bytes);
    expect([...out.keys()].filter((k) => k.startsWith("b.")).sort()).toEqual(
      Object.keys(d.tensors)
        .filter((k) => k.startsWith("b."))
        .sort(),
    );
    expect(out.has("a.rbr_reparam.weight")).toBe(true);
  });
});
