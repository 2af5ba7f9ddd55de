/// <reference types="node" />
// Branches with different dilations (UniRepLKNet's dilated re-parameterization) on dense convs: a graph model's
// Conv2D `dilations` and a layers model's Conv2D `dilation_rate` are read, and the branches fuse into one conv on the
// finest grid. (tfjs-layers' DepthwiseConv2D ignores its dilation_rate when it runs, so the depthwise form is
// checked on graph models only: tools/models/fixtures/families-tfjs/unireplknet_dilated, test/families.test.ts.)
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { GraphBuilder, intsAttr } from "./graph-builder.js";
import { functional, randomInput, randomizeWeights, saveLayersModel } from "./keras-models.js";

const TOLERANCE = 1e-5;

describe("tfjsAdapter on dilated branches", () => {
  it("fuses Conv2D branches of dilations 1, 2 and 3 of a graph model into one conv", async () => {
    const g = new GraphBuilder(11);
    const x = g.placeholder("input", [9, 9, 3]);
    const branch = (name: string, k: number, d: number) => {
      const n = g.conv(name, x, [k, k, 3, 4], { op: "_FusedConv2D", fusedOps: ["BiasAdd"] });
      const node = g.nodes.at(-1)!;
      g.nodes[g.nodes.length - 1] = { ...node, attr: { ...node.attr, dilations: intsAttr([1, d, d, 1]) } };
      return n;
    };
    const sum = g.op("b/add_1", "AddV2", [
      g.op("b/add", "AddV2", [branch("b/k5", 5, 1), branch("b/k3d2", 3, 2)]),
      branch("b/k3d3", 3, 3),
    ]);
    const res = await convertAndRun(
      g.build(x, g.op("b/Relu", "Relu", [sum])),
      randomInput([1, 9, 9, 3], 1),
      [1, 9, 9, 3],
    );
    expect(res.report.refused).toEqual([]);
    expect(res.report.fused).toHaveLength(1);
    expect(res.report.fused[0]!.kernel).toBe("7x7");
    expect(countConvs(res.json)).toBe(1);
    expect(opsOf(res.json)).not.toContain("AddV2");
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });

  it("fuses Conv2D layers of dilation_rate 1 and 2 of a layers model into one conv", async () => {
    const model = functional([8, 8, 3], (x) => {
      const conv = (name: string, k: number, d: number) =>
        tf.layers.conv2d({ filters: 4, kernelSize: k, dilationRate: d, padding: "same", name }).apply(x);
      const sum = tf.layers.add({ name: "b" }).apply([conv("k3", 3, 1), conv("k3d2", 3, 2)] as tf.SymbolicTensor[]);
      return sum as tf.SymbolicTensor;
    });
    randomizeWeights(model, 12);
    const src = await saveLayersModel(model);
    model.dispose();
    const res = await convertAndRun(src, randomInput([1, 8, 8, 3], 2), [1, 8, 8, 3]);
    expect(res.report.fused).toHaveLength(1);
    expect(opsOf(res.json)).toEqual(["InputLayer", "Conv2D"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
  });
});
