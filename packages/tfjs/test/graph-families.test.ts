/// <reference types="node" />
// Re-parameterizes hand-written graph models (the ops tensorflowjs_converter
// emits for train-time nets) and checks with TF.js (cpu) that the converted
// model computes the same thing with one conv per block.
import { describe, expect, it } from "vitest";
import type { GraphDefJson } from "../src/index.js";
import { convertAndRun, countConvs, opsOf } from "./convert.js";
import { GraphBuilder } from "./graph-builder.js";
import { randomInput } from "./keras-models.js";

const TOLERANCE = 1e-5;

interface Case {
  readonly name: string;
  readonly hwc: [number, number, number];
  /** Builds the graph after `x`; returns the output node. */
  readonly body: (g: GraphBuilder, x: string) => string;
  readonly blocks: number;
  readonly convs: number;
  readonly check?: (nodes: GraphDefJson["node"]) => void;
}

const fused = { op: "_FusedConv2D", fusedOps: ["BiasAdd"] };
const relu = (g: GraphBuilder, name: string, x: string) => g.op(`${name}/Relu`, "Relu", [x]);
const pads = (nodes: GraphDefJson["node"]) =>
  (nodes ?? [])
    .filter((n) => n.op === "_FusedConv2D" || n.op === "FusedDepthwiseConv2dNative")
    .map((n) => Buffer.from(n.attr?.padding?.s ?? "", "base64").toString());

const CASES: Case[] = [
  {
    name: "RepVGG: Conv2D + BiasAdd branches, FusedBatchNormV3 identity, AddV2 tree",
    hwc: [6, 6, 4],
    body: (g, x) => {
      const d = g.op("b/dense/BiasAdd", "BiasAdd", [g.conv("b/dense", x, [3, 3, 4, 4]), g.constant("b/dense/b", [4])], {
        data_format: { s: Buffer.from("NHWC").toString("base64") },
      });
      const o = g.op("b/1x1/add", "AddV2", [g.conv("b/1x1", x, [1, 1, 4, 4]), g.constant("b/1x1/b", [4])]);
      return relu(g, "b", g.op("b/add_1", "AddV2", [g.op("b/add", "AddV2", [d, o]), g.batchNorm("b/identity", x, 4)]));
    },
    blocks: 1,
    convs: 1,
    check: (nodes) => expect(pads(nodes)).toEqual(["SAME"]),
  },
  {
    name: "Pad + VALID 3x3 and VALID 1x1 at stride 2, summed by AddN: EXPLICIT",
    hwc: [8, 8, 3],
    body: (g, x) =>
      relu(
        g,
        "b",
        g.op(
          "b/sum",
          "AddN",
          [
            g.conv(
              "b/dense",
              g.pad("b/pad", x, [
                [1, 1],
                [1, 1],
              ]),
              [3, 3, 3, 6],
              { ...fused, stride: 2, padding: "VALID" },
            ),
            g.conv("b/1x1", x, [1, 1, 3, 6], { ...fused, stride: 2, padding: "VALID" }),
          ],
          { N: { i: "2" } },
        ),
      ),
    blocks: 1,
    convs: 1,
    check: (nodes) => expect(pads(nodes)).toEqual(["EXPLICIT"]),
  },
  {
    name: "SAME at stride 2 on an even size (1x1 top-left): SAME",
    hwc: [8, 8, 3],
    body: (g, x) =>
      relu(
        g,
        "b",
        g.op("b/add", "AddV2", [
          g.conv("b/dense", x, [3, 3, 3, 5], { ...fused, stride: 2 }),
          g.conv("b/1x1", x, [1, 1, 3, 5], { ...fused, stride: 2 }),
        ]),
      ),
    blocks: 1,
    convs: 1,
    check: (nodes) => expect(pads(nodes)).toEqual(["SAME"]),
  },
  {
    name: "SAME at stride 2 on an odd size (1x1 centred): SAME",
    hwc: [7, 5, 3],
    body: (g, x) =>
      relu(
        g,
        "b",
        g.op("b/add", "AddV2", [
          g.conv("b/dense", x, [3, 3, 3, 5], { ...fused, stride: 2 }),
          g.conv("b/1x1", x, [1, 1, 3, 5], { ...fused, stride: 2 }),
        ]),
      ),
    blocks: 1,
    convs: 1,
    check: (nodes) => expect(pads(nodes)).toEqual(["SAME"]),
  },
  {
    name: "Mul + AddV2 identity, a kernel read through Identity, an EXPLICIT-padded branch",
    hwc: [5, 5, 4],
    body: (g, x) => {
      const k = g.op("b/k/Identity", "Identity", [g.constant("b/k/value", [3, 3, 4, 4])]);
      const a = g.conv("b/dense", x, [3, 3, 4, 4], { ...fused, kernelInput: k });
      const e = g.conv("b/explicit", x, [1, 3, 4, 4], { ...fused, padding: [0, 0, 1, 1] });
      return relu(g, "b", g.op("b/add_1", "AddV2", [g.op("b/add", "AddV2", [a, e]), g.mulAdd("b/identity", x, 4)]));
    },
    blocks: 1,
    convs: 1,
  },
  {
    name: "depthwise: DepthwiseConv2dNative + FusedBatchNormV3 and FusedDepthwiseConv2dNative branches, Mul + AddV2 identity",
    hwc: [6, 6, 4],
    body: (g, x) => {
      const a = g.batchNorm("b/k0/bn", g.conv("b/k0", x, [3, 3, 4, 1], { op: "DepthwiseConv2dNative" }), 4);
      const b = g.conv("b/k1", x, [3, 3, 4, 1], { op: "FusedDepthwiseConv2dNative", fusedOps: ["BiasAdd"] });
      const c = g.conv("b/scale", x, [1, 1, 4, 1], { op: "FusedDepthwiseConv2dNative", fusedOps: ["BiasAdd"] });
      return relu(
        g,
        "b",
        g.op("b/add_2", "AddV2", [
          g.op("b/add_1", "AddV2", [g.op("b/add", "AddV2", [a, b]), c]),
          g.mulAdd("b/identity", x, 4),
        ]),
      );
    },
    blocks: 1,
    convs: 1,
    check: (nodes) => expect((nodes ?? []).map((n) => n.op)).toContain("FusedDepthwiseConv2dNative"),
  },
  {
    name: "depthwise with multiplier 2 and EXPLICIT pads",
    hwc: [6, 7, 3],
    body: (g, x) => {
      const a = g.conv(
        "b/k0",
        g.pad("b/pad", x, [
          [1, 1],
          [1, 1],
        ]),
        [3, 3, 3, 2],
        { op: "FusedDepthwiseConv2dNative", fusedOps: ["BiasAdd"], stride: 2, padding: "VALID" },
      );
      const b = g.conv("b/k1", x, [1, 1, 3, 2], {
        op: "FusedDepthwiseConv2dNative",
        fusedOps: ["BiasAdd"],
        stride: 2,
        padding: "VALID",
      });
      return relu(g, "b", g.op("b/add", "AddV2", [a, b]));
    },
    blocks: 1,
    convs: 1,
    check: (nodes) => expect(pads(nodes)).toEqual(["EXPLICIT"]),
  },
  {
    name: "QARepVGG: bare identity, post-sum FusedBatchNormV3",
    hwc: [6, 6, 4],
    body: (g, x) => {
      const sum = g.op("b/add_1", "AddV2", [
        g.op("b/add", "AddV2", [g.conv("b/dense", x, [3, 3, 4, 4], fused), g.conv("b/1x1", x, [1, 1, 4, 4])]),
        x,
      ]);
      return relu(g, "b", g.batchNorm("b/bn", sum, 4, 1e-5));
    },
    blocks: 1,
    convs: 1,
  },
  {
    name: "back-to-back blocks with no activation between: the second reads the first's fused conv",
    hwc: [6, 6, 4],
    body: (g, x) => {
      const a = g.op("a/add", "AddV2", [
        g.conv("a/dense", x, [3, 3, 4, 4], fused),
        g.conv("a/1x1", x, [1, 1, 4, 4], fused),
      ]);
      return relu(
        g,
        "b",
        g.op("b/add", "AddV2", [
          g.conv("b/dense", a, [3, 3, 4, 4], { ...fused, stride: 2 }),
          g.conv("b/1x1", a, [1, 1, 4, 4], { ...fused, stride: 2 }),
        ]),
      );
    },
    blocks: 2,
    convs: 2,
  },
  {
    name: "a branch conv with a fused Relu is not linear: nothing fused",
    hwc: [6, 6, 4],
    body: (g, x) =>
      g.op("b/add", "AddV2", [
        g.conv("b/dense", x, [3, 3, 4, 4], { op: "_FusedConv2D", fusedOps: ["BiasAdd", "Relu"] }),
        g.conv("b/1x1", x, [1, 1, 4, 4], fused),
      ]),
    blocks: 0,
    convs: 2,
  },
  {
    name: "a kernel Const shared with a conv outside the block stays",
    hwc: [6, 6, 4],
    body: (g, x) => {
      const k = g.constant("shared/kernel", [1, 1, 4, 4]);
      const blk = relu(
        g,
        "b",
        g.op("b/add", "AddV2", [
          g.conv("b/dense", x, [3, 3, 4, 4], fused),
          g.conv("b/1x1", x, [1, 1, 4, 4], { kernelInput: k }),
        ]),
      );
      return g.op("out", "AddV2", [blk, g.conv("other", x, [1, 1, 4, 4], { kernelInput: k })]);
    },
    blocks: 1,
    convs: 2,
    check: (nodes) => expect((nodes ?? []).map((n) => n.name)).toContain("shared/kernel"),
  },
];

describe("graph models written by hand (cpu)", () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    "%s: converts to output that matches the original",
    async (_name, c) => {
      const g = new GraphBuilder(21);
      const x = g.placeholder("input", c.hwc);
      const src = g.build(x, c.body(g, x));
      const shape = [1, ...c.hwc];
      const res = await convertAndRun(src, randomInput(shape, 8), shape);
      console.log(`graph ${c.name}: ratio ${res.ratio.toExponential(3)}`);
      expect(res.report.refused).toEqual([]);
      expect(res.report.fused).toHaveLength(c.blocks);
      expect(res.ratio).toBeLessThanOrEqual(TOLERANCE);
      expect(countConvs(res.json)).toBe(c.convs);
      if (c.blocks > 0)
        for (const gone of ["FusedBatchNormV3", "Pad", "Mul", "BiasAdd", "AddN"])
          expect(opsOf(res.json)).not.toContain(gone);
      c.check?.((res.json.modelTopology as GraphDefJson).node);
      const nodes = (res.json.modelTopology as GraphDefJson).node ?? [];
      const consts = nodes
        .filter((n) => n.op === "Const")
        .map((n) => n.name)
        .sort();
      expect(res.json.weightsManifest?.flatMap((w) => w.weights.map((x) => x.name)).sort()).toEqual(consts);
    },
  );
});
