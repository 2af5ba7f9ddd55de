/// <reference types="node" />
// Linear layers read as 1x1 convs: a graph model's MatMul / _FusedMatMul and a layers model's Dense fuse with the
// BatchNorms (or constant affines) around them and are written back as a _FusedMatMul / Dense; what is not a block
// (a MatMul + BiasAdd alone, a transposed or activated MatMul) is left as it is.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { convertAndRun, opsOf } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { functional, randomInput, randomizeWeights, saveLayersModel } from "./keras-models.js";

const TOLERANCE = 1e-5;
const fusedBias = { fused_ops: { list: { s: [btoa("BiasAdd")] } }, num_args: { i: "1" } };

/** A graph over a `[N, 6]` input: `body` gets the builder and the input. */
function graph(body: (g: GraphBuilder, x: string) => string) {
  const g = new GraphBuilder(5);
  const x = g.placeholder("input", [6]);
  return g.build(x, body(g, x));
}

const matMul = (g: GraphBuilder, name: string, x: string, o: number, attr = {}) =>
  g.op(`${name}/MatMul`, "MatMul", [x, g.constant(`${name}/kernel`, [6, o])], attr);

describe("tfjsAdapter on Linear layers", () => {
  it("fuses MatMul -> BN (Mul + AddV2) into one _FusedMatMul", async () => {
    const src = graph((g, x) => g.mulAdd("bn", matMul(g, "fc", x, 5), 5));
    const res = await convertAndRun(src, randomInput([3, 6], 1), [3, 6]);
    expect(res.report.fused).toHaveLength(1);
    expect(opsOf(res.json).filter((o) => o !== "Const")).toEqual(["Placeholder", "_FusedMatMul"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("fuses BN (Mul + AddV2) -> _FusedMatMul (BN before a Linear) into one _FusedMatMul", async () => {
    const src = graph((g, x) => {
      const bn = g.mulAdd("bn", x, 6);
      return g.op("fc/BiasAdd", "_FusedMatMul", [bn, g.constant("fc/kernel", [6, 4]), g.constant("fc/bias", [4])], {
        ...fusedBias,
        transpose_a: { b: false },
        transpose_b: { b: false },
      });
    });
    const res = await convertAndRun(src, randomInput([3, 6], 2), [3, 6]);
    expect(res.report.fused).toHaveLength(1);
    expect(opsOf(res.json).filter((o) => o !== "Const")).toEqual(["Placeholder", "_FusedMatMul"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("leaves a MatMul + BiasAdd alone: a Linear and its bias re-parameterize nothing", async () => {
    const src = graph((g, x) => g.op("fc/BiasAdd", "BiasAdd", [matMul(g, "fc", x, 4), g.constant("fc/bias", [4])]));
    const res = await convertAndRun(src, randomInput([3, 6], 3), [3, 6]);
    expect(res.report.fused).toEqual([]);
    expect(res.report.refused).toEqual([]);
    expect(opsOf(res.json).filter((o) => o !== "Const")).toEqual(["Placeholder", "MatMul", "BiasAdd"]);
  });

  it("leaves a MatMul of a transposed kernel and a _FusedMatMul with a Relu unfused", async () => {
    for (const body of [
      (g: GraphBuilder, x: string) => g.mulAdd("bn", matMul(g, "fc", x, 6, { transpose_b: { b: true } }), 6),
      (g: GraphBuilder, x: string) =>
        g.mulAdd(
          "bn",
          g.op("fc/Relu", "_FusedMatMul", [x, g.constant("fc/kernel", [6, 4]), g.constant("fc/bias", [4])], {
            fused_ops: { list: { s: [btoa("BiasAdd"), btoa("Relu")] } },
            num_args: { i: "1" },
          }),
          4,
        ),
    ]) {
      const res = await convertAndRun(graph(body), randomInput([3, 6], 4), [3, 6]);
      expect(res.report.fused).toEqual([]);
      expect(opsOf(res.json)).toContain("Mul");
      expect(res.ratio).toBe(0);
    }
  });

  it("writes a Dense + BatchNormalization block of a layers model back as one Dense", async () => {
    const model = functional([6], (x) => {
      const d = tf.layers.dense({ units: 5, useBias: false, name: "fc" }).apply(x) as tf.SymbolicTensor;
      return tf.layers.batchNormalization({ name: "fc_bn" }).apply(d) as tf.SymbolicTensor;
    });
    randomizeWeights(model, 6);
    const src = await saveLayersModel(model);
    model.dispose();
    const res = await convertAndRun(src, randomInput([3, 6], 6), [3, 6]);
    expect(res.report.fused).toHaveLength(1);
    expect(opsOf(res.json)).toEqual(["InputLayer", "Dense"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("writes a sum of a 3x3 Conv2D and a Dense over the channels of a feature map as one Conv2D", async () => {
    const model = functional([5, 5, 4], (x) => {
      const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", name: "c3" }).apply(x);
      const dense = tf.layers.dense({ units: 3, name: "fc" }).apply(x);
      return tf.layers.add({ name: "sum" }).apply([conv, dense] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    });
    randomizeWeights(model, 7);
    const src = await saveLayersModel(model);
    model.dispose();
    const res = await convertAndRun(src, randomInput([1, 5, 5, 4], 7), [1, 5, 5, 4]);
    expect(res.report.fused).toHaveLength(1);
    expect(opsOf(res.json)).toEqual(["InputLayer", "Conv2D"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });
});
