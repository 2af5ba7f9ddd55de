import { describe, expect, it } from "vitest";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convert } from "./_convert.js";

// #23's sequential compositions on the families2 fixtures: what is left unmerged says why. (The conversions'
// outputs and op counts are checked in families2.test.ts.)
const cases = new Map(familyCases("families2").map((c) => [c.name, c]));
const variants = ["train", "train_unfolded"] as const;
const load = (name: string, v: (typeof variants)[number]) => fixtureBytes(cases.get(name)!.onnx[v]);

describe("sequential compositions in the families2 fixtures", () => {
  it.each(variants)(
    "refuses refuse_span.%s's Conv3XC blocks for their border: zero padding after the biased 1x1",
    async (v) => {
      const { report } = await convert(load("refuse_span", v));
      const border = report.refused.filter((r) => r.reason === "SEQUENTIAL_BORDER");
      expect(border.map((r) => r.block).sort()).toEqual(["/block_1/c1_r", "/block_1/c2_r", "/block_1/c3_r", "/conv_1"]);
      for (const r of border)
        expect(r.message).toMatch(/pads its input with 0 \(channel \d+\) where '.*conv\.0\/Conv' give/);
      expect(report.fused).toEqual([]);
    },
  );

  it.each(variants)(
    "refuses refuse_vanillanet.%s's 1x1 pairs across LeakyRelu(0.3) and still folds every conv+BN",
    async (v) => {
      const { report } = await convert(load("refuse_vanillanet", v));
      const pairs = report.refused.filter((r) => r.reason === "SEQUENTIAL_NONLINEAR");
      expect(pairs).toHaveLength(3);
      for (const r of pairs) expect(r.message).toMatch(/conv1.*conv2.*LeakyRelu, slope 0\.3\)/);
      expect(report.refused).toEqual(pairs);
      // The export with BatchNormalization nodes left: each of the 12 convs folds its BN.
      expect(report.fused).toHaveLength(v === "train" ? 0 : 12);
    },
  );

  it.each(variants)(
    "collapses repnext.%s's unbiased 1xk -> kx1 pairs and keeps the biased 1x11 -> 11x1 pair as two convs",
    async (v) => {
      const { report, model } = await convert(load("repnext", v));
      expect(report.refused).toEqual([]);
      const kept = model.graph!.node.filter((n) => n.opType === "Conv" && n.name.includes("conv_l"));
      expect(kept.map((n) => n.name)).toHaveLength(6);
    },
  );
});
