/// <reference types="node" />
// TF.js graph models name every node under one scope (`StatefulPartitionedCall/...`),
// so blocks share names; their ids (the node each block's output comes from) do not.
import { describe, expect, it } from "vitest";
import { convertAndRun } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { randomInput } from "./keras-models.js";

/** conv -> FusedBatchNormV3 -> Relu -> conv -> Mul + AddV2 constants, every node under `PartitionedCall/`. */
function twoBlocks() {
  const g = new GraphBuilder(2202);
  const x = g.placeholder("input", [5, 5, 3]);
  const a = g.batchNorm("PartitionedCall/bn", g.conv("PartitionedCall/conv", x, [3, 3, 3, 3]), 3);
  const r = g.op("PartitionedCall/Relu", "Relu", [a]);
  const b = g.mulAdd("PartitionedCall/affine", g.conv("PartitionedCall/conv_1", r, [1, 1, 3, 3]), 3);
  return { src: g.build(x, b), bn: a, affine: b };
}

describe("tfjs adapter: ids of blocks that share a name", () => {
  it("reports each block's output node as its id, conv-bn for the BatchNorm and conv-affine for the Mul + AddV2", async () => {
    const { src, bn, affine } = twoBlocks();
    const shape = [1, 5, 5, 3];
    const res = await convertAndRun(src, randomInput(shape, 1), shape);
    expect(res.report.fused.map((f) => [f.name, f.id, f.family])).toEqual([
      ["PartitionedCall", bn, "conv-bn"],
      ["PartitionedCall", affine, "conv-affine"],
    ]);
    expect(res.ratio).toBeLessThanOrEqual(1e-5);
  });

  it("leaves exactly the block whose id exclude gives", async () => {
    const { src, bn, affine } = twoBlocks();
    const shape = [1, 5, 5, 3];
    const res = await convertAndRun(src, randomInput(shape, 2), shape, { exclude: [affine] });
    expect(res.report.skipped).toEqual([{ name: "PartitionedCall", id: affine, why: `excluded by '${affine}'` }]);
    expect(res.report.fused.map((f) => f.id)).toEqual([bn]);
    expect(res.ratio).toBeLessThanOrEqual(1e-5);
  });
});
