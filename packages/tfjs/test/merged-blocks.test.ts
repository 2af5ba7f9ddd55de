/// <reference types="node" />
// Blocks of blocks (core's matchBlocks rounds) written back by the TF.js adapter: a sum of branches
// followed by an unpadded narrowing conv + BN becomes one conv, in a layers model and a graph model,
// and both run to the original's output on the cpu backend within 1e-5 of its largest magnitude.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { convertAndRun, countConvs } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { convBn, functional, randomInput, randomizeWeights, saveLayersModel } from "./keras-models.js";

type T = tf.SymbolicTensor;
const L = tf.layers;
const TOLERANCE = 1e-5;
const C = 4;

describe("tfjs adapter: blocks of blocks", () => {
  it("writes a layers model's sum (3x3 + 1x1) and the valid narrowing 3x3 + BN after it as one Conv2D", async () => {
    const model = functional([7, 6, C], (x) => {
      const sum = L.add({ name: "blk_add" }).apply([
        convBn(x, "blk_dense", { filters: C, k: [3, 3], padding: "same" }),
        convBn(x, "blk_1x1", { filters: C, k: [1, 1], padding: "same" }),
      ]) as T;
      // 2 x 4 x 5 x 5 = 200 multiply-adds per output as one conv, 2 x 4 x 9 + 4 x 4 x 9 = 216 as two.
      const next = convBn(sum, "next", { filters: 2, k: [3, 3], padding: "valid" });
      return L.activation({ activation: "relu", name: "act" }).apply(next) as T;
    });
    randomizeWeights(model, 7);
    const src = await saveLayersModel(model);
    model.dispose();
    const res = await convertAndRun(src, randomInput([1, 7, 6, C], 3), [1, 7, 6, C]);
    expect(res.report.refused).toEqual([]);
    expect(res.report.fused).toHaveLength(1);
    expect(countConvs(res.json)).toBe(1);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("writes a graph model's sum (3x3 + 1x1 + BN) and the 1x1 + BN after it as one conv node", async () => {
    const g = new GraphBuilder(31);
    const x = g.placeholder("input", [6, 5, C]);
    const a = g.batchNorm("b/k3/bn", g.conv("b/k3", x, [3, 3, C, C]), C);
    const b = g.batchNorm("b/k1/bn", g.conv("b/k1", x, [1, 1, C, C]), C);
    const sum = g.op("b/add", "AddV2", [a, b]);
    const next = g.batchNorm("n/bn", g.conv("n/k1", sum, [1, 1, C, 2]), 2);
    const out = g.op("n/relu", "Relu", [next]);
    const res = await convertAndRun(g.build(x, out), randomInput([1, 6, 5, C], 4), [1, 6, 5, C]);
    expect(res.report.refused).toEqual([]);
    expect(res.report.fused).toHaveLength(1);
    expect(countConvs(res.json)).toBe(1);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });
});
