/// <reference types="node" />
// Re-parameterizes layers models built with tf.layers, one per family and
// padding style TF.js can express, and checks with TF.js (cpu) that the
// converted model computes the same thing with one conv per block.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { kerasModel } from "../src/index.js";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { addRelu, convBn, dwBn, functional, randomInput, randomizeWeights, saveLayersModel } from "./keras-models.js";

type T = tf.SymbolicTensor;
const L = tf.layers;
const TOLERANCE = 1e-5;

interface Case {
  readonly name: string;
  readonly shape: [number, number, number];
  readonly body: (x: T) => T;
  readonly blocks: number;
  /** Conv layers after conversion (blocks plus convs that were never in a block). */
  readonly convs: number;
  /** Checks on the converted layer classes. */
  readonly ops?: (ops: string[]) => void;
}

const bnOf = (x: T, name: string): T => L.batchNormalization({ epsilon: 1e-5, name }).apply(x) as T;

const CASES: Case[] = [
  {
    name: "RepVGG: ZeroPadding2D + 'valid' at stride 2, then 'same' with an identity BN",
    shape: [16, 16, 3],
    body: (x) => {
      const h = addRelu("b0", [
        convBn(x, "b0_dense", {
          filters: 8,
          k: [3, 3],
          stride: 2,
          padding: "valid",
          pad: [
            [1, 1],
            [1, 1],
          ],
        }),
        convBn(x, "b0_1x1", { filters: 8, k: [1, 1], stride: 2, padding: "valid" }),
      ]);
      return addRelu("b1", [
        convBn(h, "b1_dense", { filters: 8, k: [3, 3], padding: "same" }),
        convBn(h, "b1_1x1", { filters: 8, k: [1, 1], padding: "same" }),
        bnOf(h, "b1_identity"),
      ]);
    },
    blocks: 2,
    convs: 2,
    ops: (ops) => expect(ops.filter((o) => o === "ZeroPadding2D")).toHaveLength(1),
  },
  {
    name: "'same' at stride 2 on an even size: the 1x1 lands top-left, the fused conv is 'same'",
    shape: [8, 8, 4],
    body: (x) =>
      addRelu("s", [
        convBn(x, "s_3x3", { filters: 6, k: [3, 3], stride: 2, padding: "same" }),
        convBn(x, "s_1x1", { filters: 6, k: [1, 1], stride: 2, padding: "same" }),
      ]),
    blocks: 1,
    convs: 1,
    ops: (ops) => expect(ops).not.toContain("ZeroPadding2D"),
  },
  {
    name: "'same' at stride 2 on an odd size: the 1x1 lands in the centre",
    shape: [7, 9, 4],
    body: (x) =>
      addRelu("s", [
        convBn(x, "s_3x3", { filters: 6, k: [3, 3], stride: 2, padding: "same" }),
        convBn(x, "s_1x1", { filters: 6, k: [1, 1], stride: 2, padding: "same" }),
      ]),
    blocks: 1,
    convs: 1,
  },
  {
    name: "MobileOne: depthwise kxk branches, a depthwise 1x1 scale branch and an identity BN; then a pointwise block",
    shape: [8, 8, 8],
    body: (x) => {
      const dw = addRelu("m0", [
        dwBn(x, "m0_k0", { k: 3, padding: "same" }),
        dwBn(x, "m0_k1", { k: 3, padding: "same" }),
        dwBn(x, "m0_scale", { k: 1, padding: "same" }),
        bnOf(x, "m0_id"),
      ]);
      return addRelu(
        "m1",
        [0, 1, 2]
          .map((i) => convBn(dw, `m1_k${i}`, { filters: 8, k: [1, 1], padding: "valid" }))
          .concat(bnOf(dw, "m1_id")),
      );
    },
    blocks: 2,
    convs: 2,
    ops: (ops) => expect(ops.filter((o) => o === "DepthwiseConv2D")).toHaveLength(1),
  },
  {
    name: "depthwise with depth multiplier 2 fuses into DepthwiseConv2D(depth_multiplier 2)",
    shape: [6, 6, 4],
    body: (x) =>
      addRelu("d", [
        dwBn(x, "d_3x3", { k: 3, padding: "same", multiplier: 2 }),
        dwBn(x, "d_1x1", { k: 1, padding: "same", multiplier: 2 }),
      ]),
    blocks: 1,
    convs: 1,
    ops: (ops) => expect(ops).toContain("DepthwiseConv2D"),
  },
  {
    name: "ACNet: 3x3 + 3x1 + 1x3 with 'same', then with ZeroPadding2D + 'valid' at stride 2",
    shape: [9, 9, 4],
    body: (x) => {
      const h = addRelu("a0", [
        convBn(x, "a0_sq", { filters: 6, k: [3, 3], padding: "same" }),
        convBn(x, "a0_ver", { filters: 6, k: [3, 1], padding: "same" }),
        convBn(x, "a0_hor", { filters: 6, k: [1, 3], padding: "same" }),
      ]);
      return addRelu("a1", [
        convBn(h, "a1_sq", {
          filters: 8,
          k: [3, 3],
          stride: 2,
          padding: "valid",
          pad: [
            [1, 1],
            [1, 1],
          ],
        }),
        convBn(h, "a1_ver", {
          filters: 8,
          k: [3, 1],
          stride: 2,
          padding: "valid",
          pad: [
            [1, 1],
            [0, 0],
          ],
        }),
        convBn(h, "a1_hor", {
          filters: 8,
          k: [1, 3],
          stride: 2,
          padding: "valid",
          pad: [
            [0, 0],
            [1, 1],
          ],
        }),
      ]);
    },
    blocks: 2,
    convs: 2,
  },
  {
    name: "QARepVGG: 3x3 + BN, bare 1x1, bare identity, BN after the sum",
    shape: [8, 8, 8],
    body: (x) => {
      const sum = L.add({ name: "q_add" }).apply([
        convBn(x, "q_dense", { filters: 8, k: [3, 3], padding: "same" }),
        L.conv2d({ filters: 8, kernelSize: 1, useBias: false, name: "q_1x1" }).apply(x) as T,
        x,
      ]) as T;
      return L.reLU({ name: "q_act" }).apply(bnOf(sum, "q_bn")) as T;
    },
    blocks: 1,
    convs: 1,
  },
  {
    name: "DBB-style branches: 1x1 -> ZeroPadding2D -> 3x3 -> BN, and ZeroPadding2D -> AveragePooling2D 'valid' -> BN",
    shape: [8, 8, 4],
    body: (x) => {
      const one = L.conv2d({ filters: 4, kernelSize: 1, useBias: false, name: "dbb_1x1" }).apply(x) as T;
      const seq = convBn(one, "dbb_kxk", {
        filters: 4,
        k: [3, 3],
        padding: "valid",
        pad: [
          [1, 1],
          [1, 1],
        ],
      });
      const padded = L.zeroPadding2d({ padding: 1, name: "dbb_avg_pad" }).apply(x) as T;
      const avg = bnOf(
        L.averagePooling2d({ poolSize: 3, strides: 1, padding: "valid", name: "dbb_avg" }).apply(padded) as T,
        "dbb_avg_bn",
      );
      return addRelu("dbb", [convBn(x, "dbb_origin", { filters: 4, k: [3, 3], padding: "same" }), seq, avg]);
    },
    blocks: 1,
    convs: 1,
  },
  {
    name: "back-to-back blocks with no activation between: the second reads the first's fused conv",
    shape: [6, 6, 4],
    body: (x) => {
      const a = L.add({ name: "p_add" }).apply([
        convBn(x, "p_3x3", { filters: 4, k: [3, 3], padding: "same" }),
        convBn(x, "p_1x1", { filters: 4, k: [1, 1], padding: "same" }),
      ]) as T;
      return addRelu("q", [
        convBn(a, "q_3x3", { filters: 4, k: [3, 3], stride: 2, padding: "same" }),
        convBn(a, "q_1x1", { filters: 4, k: [1, 1], stride: 2, padding: "same" }),
      ]);
    },
    blocks: 2,
    convs: 2,
  },
  {
    name: "a lone conv with bias and dilation 2 folds its BN; a conv with an activation stays",
    shape: [10, 10, 3],
    body: (x) => {
      const c = L.conv2d({
        filters: 5,
        kernelSize: 3,
        dilationRate: 2,
        padding: "same",
        useBias: true,
        name: "f_conv",
      }).apply(x) as T;
      const h = L.reLU({ name: "f_relu" }).apply(bnOf(c, "f_bn")) as T;
      return L.conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu", name: "f_head" }).apply(h) as T;
    },
    blocks: 1,
    convs: 2,
  },
];

describe("layers models built with tf.layers (cpu)", () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    "%s: converts to output that matches the original",
    async (_name, c) => {
      const model = functional(c.shape, c.body);
      randomizeWeights(model, 11);
      const src = await saveLayersModel(model);
      model.dispose();
      const shape = [1, ...c.shape];
      const res = await convertAndRun(src, randomInput(shape, 5), shape);
      console.log(`layers ${c.name}: ratio ${res.ratio.toExponential(3)}`);
      expect(res.report.refused).toEqual([]);
      expect(res.report.fused).toHaveLength(c.blocks);
      expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
      expect(countConvs(res.json)).toBe(c.convs);
      expect(opsOf(res.json)).not.toContain("BatchNormalization");
      c.ops?.(opsOf(res.json));
    },
  );

  it("folds both BNs of a Sequential conv -> BN -> ReLU -> conv -> BN model and keeps its input shape", async () => {
    const model = tf.sequential({
      layers: [
        L.conv2d({ inputShape: [6, 6, 3], filters: 4, kernelSize: 3, padding: "same", useBias: false, name: "c1" }),
        L.batchNormalization({ name: "bn1" }),
        L.reLU({ name: "r1" }),
        L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "valid", name: "c2" }),
        L.batchNormalization({ name: "bn2" }),
      ],
    });
    randomizeWeights(model, 3);
    const src = await saveLayersModel(model);
    model.dispose();
    const res = await convertAndRun(src, randomInput([1, 6, 6, 3], 2), [1, 6, 6, 3]);
    expect(res.report.fused.map((f) => f.family)).toEqual(["conv-bn", "conv-bn"]);
    expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
    const layers = kerasModel(res.json.modelTopology).config.layers;
    expect(layers.map((l) => l.class_name)).toEqual(["Conv2D", "ReLU", "Conv2D"]);
    expect(layers[0]!.config.batch_input_shape).toEqual([null, 6, 6, 3]);
  });
});
