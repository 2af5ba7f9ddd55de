import { describe, expect, it } from "vitest";
import { ARCHITECTURE_NAMES, architecture } from "./architectures.js";
import { paramCount, paramCounts } from "./param-count.js";

const millions = (n: number, digits = 2) => (n / 1e6).toFixed(digits);

describe("paramCounts", () => {
  // RepVGG's published figures count each BN's weight and bias (model.parameters()), not its running stats.
  it.each([
    ["repvgg-a0", "9.11", "8.31", 9_108_968, 8_309_384],
    ["repvgg-b3", "123.09", "110.96", 123_085_288, 110_960_872],
    ["repvgg-b1g4", "39.97", "36.13", 39_966_056, 36_125_416],
  ])("%s: %sM train -> %sM deploy", (name, train, deploy, exactTrain, exactDeploy) => {
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
  ])("%s: %sM deploy (MobileOne paper, Table 7)", (name, deploy) => {
    expect(millions(paramCounts(architecture(name)).deploy, 1)).toBe(deploy);
  });

  it("every architecture has fewer parameters deployed than trained", () => {
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
    expect(a0.filter((b) => b.stride === 2).map((b) => b.path)).toEqual(["stage0", "stage1.0", "stage2.0", "stage3.0", "stage4.0"]);
    expect(a0.filter((b) => b.branches.length === 3).length).toBe(1 + 3 + 13);
  });

  it("puts SE before the ReLU of every D2se block", () => {
    const d2se = architecture("repvgg-d2se");
    expect(d2se.blocks.every((b) => b.se?.reduced === b.outChannels / 16)).toBe(true);
  });

  it("builds MobileOne S0 with 4 kxk branches, a 1x1 scale branch on 3x3 blocks and depthwise/pointwise pairs", () => {
    const s0 = architecture("mobileone-s0").blocks;
    expect(s0).toHaveLength(1 + 2 * (2 + 8 + 10 + 1));
    expect(s0[0]!.branches.map((b) => (b.kind === "conv" ? b.conv : b.kind === "identity" ? b.bn : b.kind))).toEqual(["stage0.rbr_scale.conv", "stage0.rbr_conv.0.conv"]);
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
