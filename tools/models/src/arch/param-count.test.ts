import { describe, expect, it } from "vitest";
import { ARCHITECTURE_NAMES, architecture } from "./architectures.js";
import { dbbArch } from "./dbb.js";
import { paramCount, paramCounts } from "./param-count.js";

const millions = (n: number, digits = 2) => (n / 1e6).toFixed(digits);

describe("paramCounts", () => {
  // RepVGG's published figures count each BN's weight and bias (model.parameters()), not its running stats.
  it.each([
    ["repvgg-a0", "9.11", "8.31", 9_108_968, 8_309_384],
    ["repvgg-b3", "123.09", "110.96", 123_085_288, 110_960_872],
    ["repvgg-b1g4", "39.97", "36.13", 39_966_056, 36_125_416],
  ])("%s: gives %sM train -> %sM deploy", (name, train, deploy, exactTrain, exactDeploy) => {
    const counts = paramCounts(architecture(name));
    expect(millions(counts.train)).toBe(train);
    expect(millions(counts.deploy)).toBe(deploy);
    expect(counts).toEqual({ train: exactTrain, deploy: exactDeploy });
  });

  it("does not give the published numbers when BN running stats are counted", () => {
    expect(millions(paramCount(architecture("repvgg-a0"), { bnBuffers: true }))).toBe("9.13");
  });

  it.each([
    ["mobileone-s0", "2.1"],
    ["mobileone-s1", "4.8"],
    ["mobileone-s2", "7.8"],
    ["mobileone-s3", "10.1"],
    ["mobileone-s4", "14.8"],
  ])("%s: gives %sM deploy (MobileOne paper, Table 7)", (name, deploy) => {
    expect(millions(paramCounts(architecture(name)).deploy, 1)).toBe(deploy);
  });

  it("gives every architecture fewer parameters deployed than trained", () => {
    for (const name of ARCHITECTURE_NAMES) {
      const { train, deploy } = paramCounts(architecture(name));
      expect(deploy, name).toBeLessThan(train);
    }
  });
});

describe("RepVGG layout", () => {
  it("groups layers 2, 4, ..., 26 counted from 1 after the stem (official cur_layer_idx)", () => {
    const blocks = architecture("repvgg-b1g4").blocks;
    expect(blocks).toHaveLength(1 + 4 + 6 + 16 + 1);
    const grouped = blocks.flatMap((b, i) => (b.groups > 1 ? [i] : []));
    expect(grouped).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26]);
    expect(blocks[2]!.path).toBe("stage1.1");
    expect(blocks.every((b) => b.groups === 1 || b.groups === 4)).toBe(true);
  });

  it("has widths 64a, 128a, 256a, 512b, stem min(64, 64a), stride 2 at each stage start", () => {
    const a0 = architecture("repvgg-a0").blocks;
    expect(a0.map((b) => b.outChannels).filter((c, i, all) => all.indexOf(c) === i)).toEqual([48, 96, 192, 1280]);
    expect(architecture("repvgg-b3").blocks[0]!.outChannels).toBe(64);
    expect(a0.filter((b) => b.stride === 2).map((b) => b.path)).toEqual([
      "stage0",
      "stage1.0",
      "stage2.0",
      "stage3.0",
      "stage4.0",
    ]);
    expect(a0.filter((b) => b.branches.length === 3).length).toBe(1 + 3 + 13);
  });

  it("puts SE before the ReLU of every D2se block", () => {
    const d2se = architecture("repvgg-d2se");
    expect(d2se.blocks.every((b) => b.se?.reduced === b.outChannels / 16)).toBe(true);
  });

  it("builds MobileOne S0 with 4 kxk branches, a 1x1 scale branch on 3x3 blocks and depthwise/pointwise pairs", () => {
    const s0 = architecture("mobileone-s0").blocks;
    expect(s0).toHaveLength(1 + 2 * (2 + 8 + 10 + 1));
    expect(s0[0]!.branches.map((b) => (b.kind === "conv" ? b.conv : b.kind === "identity" ? b.bn : b.kind))).toEqual([
      "stage0.rbr_scale.conv",
      "stage0.rbr_conv.0.conv",
    ]);
    const dw = s0[3]!;
    expect(dw.groups).toBe(dw.inChannels);
    expect(dw.branches.map((b) => (b.kind === "conv" ? b.conv : b.kind === "identity" ? b.bn : b.kind))).toEqual([
      "stage1.2.rbr_scale.conv",
      "stage1.2.rbr_skip",
      "stage1.2.rbr_conv.0.conv",
      "stage1.2.rbr_conv.1.conv",
      "stage1.2.rbr_conv.2.conv",
      "stage1.2.rbr_conv.3.conv",
    ]);
  });
});

describe("DBB", () => {
  // By hand, per block of C -> O channels, groups 1, 3x3, internal width C (IdentityBasedConv1x1):
  //   train  = origin 9OC + 1x1 OC + avg conv OC + idconv1 C^2 + conv2 9OC = 20OC + C^2 (weights)
  //            + BNs: origin, 1x1, avg.bn.bn, avgbn, bn2 (2O each), bn1 (2C) = 10O + 2C
  //   deploy = 9OC + O.
  // dbb-sample, blocks (3,16) (16,16)x2 (16,32) (32,32) (32,64) (64,64), linear 64 -> 10 (650):
  //   train  1135 + 2 * 5568 + 10848 + 21888 + 42688 + 86784 + 650 = 175,129
  //   deploy  448 + 2 * 2320 +  4640 +  9248 + 18496 + 36928 + 650 =  75,050 (= repvgg-sample's)
  // dbb-a0 (RepVGG-A0's layout), (3,48) (48,48)x2 (48,96) (96,96)x3 (96,192) (192,192)x13 (192,1280), linear 1280 -> 1000:
  //   train  3375 + 2 * 48960 + 95520 + 3 * 194688 + 379968 + 13 * 776448 + 4965248 + 1281000 = 17,500,919
  //   deploy = RepVGG-A0's deploy net: 8,309,384.
  it.each([
    ["dbb-sample", 175_129, 75_050],
    ["dbb-a0", 17_500_919, 8_309_384],
  ])("%s: counts %i train, %i deploy", (name, train, deploy) => {
    expect(paramCounts(architecture(name))).toEqual({ train, deploy });
  });

  it("follows DiverseBranchBlock.__init__: dbb_1x1 and the avg 1x1 only when groups < out, idconv1 when internal = in", () => {
    const a0 = architecture("dbb-a0");
    expect(a0.family).toBe("dbb");
    expect(a0.blocks).toHaveLength(1 + 2 + 4 + 14 + 1);
    const stem = a0.blocks[0]!;
    expect(stem.reparam).toBe("stage0.dbb_reparam");
    expect(stem.branches.map((b) => b.kind)).toEqual(["conv", "conv", "avg", "sequential"]);
    const seq = stem.branches[3]!;
    expect(seq.kind === "sequential" && [seq.first, seq.internal, seq.bnAndPad]).toEqual([
      "stage0.dbb_1x1_kxk.idconv1",
      3,
      "stage0.dbb_1x1_kxk.bn1",
    ]);
    const dw = dbbArch({ depths: [2], widths: [8], stem: 8, groups: "depthwise" }, { name: "dw" }).blocks[2]!;
    expect(dw.groups).toBe(8);
    expect(dw.branches.map((b) => b.kind)).toEqual(["conv", "avg", "sequential"]);
    const [, avg, s] = dw.branches;
    expect(avg!.kind === "avg" && avg!.conv).toBeUndefined();
    expect(s!.kind === "sequential" && [s!.first, s!.internal, s!.identityBased]).toEqual([
      "stage1.1.dbb_1x1_kxk.conv1",
      16,
      false,
    ]);
  });
});
