/// <reference types="node" />
// A BatchNorm before a conv (RepViT's BN_Linear, on a feature map): folded into a conv that reads no padding,
// refused (PRE_BN_PADDED) before a padded one, whose border would see 0 instead of the BN's shift.
import { describe, expect, it } from "vitest";
import { convertAndRun, opsOf } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { randomInput } from "./keras-models.js";

const TOLERANCE = 1e-5;

function bnThenConv(k: number, padding: "SAME" | "VALID") {
  const g = new GraphBuilder(31);
  const x = g.placeholder("input", [6, 6, 4]);
  const bn = g.batchNorm("b/bn", x, 4);
  return g.build(x, g.conv("b/conv", bn, [k, k, 4, 5], { op: "_FusedConv2D", fusedOps: ["BiasAdd"], padding }));
}

describe("tfjsAdapter on a BatchNorm before a conv", () => {
  it("folds a FusedBatchNormV3 into the unpadded 1x1 conv after it", async () => {
    const res = await convertAndRun(bnThenConv(1, "VALID"), randomInput([1, 6, 6, 4], 1), [1, 6, 6, 4]);
    expect(res.report.fused).toHaveLength(1);
    expect(opsOf(res.json).filter((o) => o !== "Const")).toEqual(["Placeholder", "_FusedConv2D"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("refuses a FusedBatchNormV3 before a SAME-padded 3x3 conv (PRE_BN_PADDED) and leaves the model as it is", async () => {
    const res = await convertAndRun(bnThenConv(3, "SAME"), randomInput([1, 6, 6, 4], 2), [1, 6, 6, 4]);
    expect(res.report.fused).toEqual([]);
    expect(res.report.refused.map((r) => r.reason)).toEqual(["PRE_BN_PADDED"]);
    expect(opsOf(res.json)).toContain("FusedBatchNormV3");
    expect(res.ratio).toBe(0);
  });
});
