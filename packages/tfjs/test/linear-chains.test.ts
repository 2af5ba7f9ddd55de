/// <reference types="node" />
// Chains of Linear layers (a graph model's MatMul, a layers model's Dense) with BatchNorms between
// them collapse into one Linear (core's conv-chain), written back as one _FusedMatMul / Dense; run
// with TF.js against the original, within 1e-5 x max|y| (float32 weights of a float64 fusion).
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { convertAndRun, opsOf } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { functional, randomInput, randomizeWeights, saveLayersModel } from "./keras-models.js";

const TOLERANCE = 1e-5;

describe("tfjsAdapter on chains of Linear layers", () => {
  it("collapses a graph's MatMul -> BN (Mul + AddV2) -> MatMul into one _FusedMatMul", async () => {
    const g = new GraphBuilder(23);
    const x = g.placeholder("input", [6]);
    const a = g.op("fc1/MatMul", "MatMul", [x, g.constant("fc1/kernel", [6, 5])]);
    const bn = g.mulAdd("bn", a, 5);
    const y = g.op("fc2/MatMul", "MatMul", [bn, g.constant("fc2/kernel", [5, 4])]);
    const res = await convertAndRun(g.build(x, y), randomInput([3, 6], 1), [3, 6]);
    expect(res.report.fused.map((f) => f.family)).toEqual(["conv-chain"]);
    expect(opsOf(res.json).filter((o) => o !== "Const")).toEqual(["Placeholder", "_FusedMatMul"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("collapses a layers model's Dense -> BatchNormalization -> Dense into one Dense", async () => {
    const model = functional([6], (x) => {
      const d = tf.layers.dense({ units: 5, name: "fc1" }).apply(x) as tf.SymbolicTensor;
      const bn = tf.layers.batchNormalization({ name: "fc1_bn" }).apply(d) as tf.SymbolicTensor;
      return tf.layers.dense({ units: 4, name: "fc2" }).apply(bn) as tf.SymbolicTensor;
    });
    randomizeWeights(model, 23);
    const src = await saveLayersModel(model);
    model.dispose();
    const res = await convertAndRun(src, randomInput([3, 6], 2), [3, 6]);
    expect(res.report.fused.map((f) => f.family)).toEqual(["conv-chain"]);
    expect(opsOf(res.json)).toEqual(["InputLayer", "Dense"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });
});
