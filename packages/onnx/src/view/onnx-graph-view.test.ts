import { narrowFloat16, widenFloat16 } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { floatAttr, intAttr, intsAttr, stringAttr, type AttributeValue } from "../codec/attribute-value.js";
import { buildModel, type InitializerSpec, type NodeSpec } from "../codec/build-model.js";
import { onnxGraphView } from "./onnx-graph-view.js";

const C = 3;
const inits: InitializerSpec[] = [
  { name: "w", dims: [C, C, 3, 3], data: new Float32Array(C * C * 9).fill(0.25) },
  { name: "w1d", dims: [C, C, 3], data: new Float32Array(C * C * 3) },
  { name: "v", dims: [C], data: Float32Array.from([0.1, 0.2, 0.3]) },
  { name: "chw", dims: [C, 1, 1], data: new Float32Array(C).fill(2) },
  { name: "nchw", dims: [1, C, 1, 1], data: new Float32Array(C).fill(3) },
  { name: "scalar", dims: [], data: new Float32Array([4]) },
  { name: "pads", dims: [8], data: BigInt64Array.from([0n, 0n, 1n, 2n, 0n, 0n, 3n, 4n]) },
  { name: "cpads", dims: [8], data: BigInt64Array.from([0n, 1n, 0n, 0n, 0n, 0n, 0n, 0n]) },
  { name: "spads", dims: [4], data: BigInt64Array.from([1n, 1n, 2n, 2n]) },
  { name: "axes", dims: [2], data: BigInt64Array.from([-2n, -1n]) },
  { name: "one", dims: [], data: new Float32Array([1]) },
  { name: "input_w", dims: [C, C, 3, 3], data: new Float32Array(C * C * 9) },
];

/** The neutral op of one node over x [1, C, 8, 8] (opset 18 unless given). */
function opOf(op: string, inputs: string[], attrs: Record<string, AttributeValue> = {}, opset = 18, outputs = ["y"]) {
  const nodes: NodeSpec[] = [{ op, inputs, outputs, attrs, name: "n" }];
  const model = buildModel({
    opset,
    inputs: [
      { name: "x", dims: [1, C, 8, 8] },
      { name: "input_w", dims: [C, C, 3, 3] },
    ],
    outputs: [{ name: "y" }],
    nodes,
    initializers: inits,
  });
  const g = onnxGraphView(model);
  return { op: g.view.nodes[0]!.op, inputs: g.view.nodes[0]!.inputs, g };
}

describe("onnxGraphView: ONNX nodes as neutral ops", () => {
  it("reads Conv with its defaults, auto_pad forms, and constant weights only", () => {
    expect(opOf("Conv", ["x", "w"]).op).toMatchObject({
      kind: "conv",
      stride: [1, 1],
      dilation: [1, 1],
      groups: 1,
      padding: { kind: "explicit", pads: [0, 0, 0, 0] },
    });
    expect(opOf("Conv", ["x", "w"]).inputs).toEqual(["x"]);
    expect(
      opOf("Conv", ["x", "w", "v"], { strides: intsAttr([2, 1]), group: intAttr(1), pads: intsAttr([1, 2, 3, 4]) }, 11)
        .op,
    ).toMatchObject({ stride: [2, 1], padding: { pads: [1, 2, 3, 4] }, bias: { shape: [C] } });
    for (const [auto, kind] of [
      ["SAME_UPPER", "same-upper"],
      ["SAME_LOWER", "same-lower"],
      ["VALID", "valid"],
    ]) {
      expect(opOf("Conv", ["x", "w"], { auto_pad: stringAttr(auto!) }, 1).op).toMatchObject({ padding: { kind } });
    }
    expect(opOf("Conv", ["x", "w"], { kernel_shape: intsAttr([1, 1]) }).op.kind).toBe("other");
    expect(opOf("Conv", ["x", "w1d"]).op.kind).toBe("other"); // 1-D
    // An initializer that is also a graph input (keep_initializers_as_inputs) reads as a weight, marked as one a caller may override.
    const overridable = opOf("Conv", ["x", "input_w"]);
    expect(overridable.op.kind).toBe("conv");
    expect(overridable.g.constants.get("input_w")?.graphInputs).toEqual(["input_w"]);
    expect(overridable.g.constants.get("w")?.graphInputs).toEqual([]);
    expect(opOf("Conv", ["x", "w"], { auto_pad: stringAttr("SAME") }).op.kind).toBe("other");
  });

  it("reads BatchNormalization in inference form, eps as the decimal the exporter meant", async () => {
    const bn = ["x", "v", "v", "v", "v"];
    expect(opOf("BatchNormalization", bn).op).toMatchObject({ kind: "batchnorm", eps: 1e-5 });
    expect(opOf("BatchNormalization", bn, { epsilon: floatAttr(1e-3) }, 9).op).toMatchObject({ eps: 0.001 });
    expect(opOf("BatchNormalization", bn, { training_mode: intAttr(1) }, 15).op.kind).toBe("other");
    expect(opOf("BatchNormalization", bn, { spatial: intAttr(0) }, 7).op.kind).toBe("other");
    expect(opOf("BatchNormalization", bn, {}, 9, ["y", "mean"]).op.kind).toBe("other");
    expect(opOf("BatchNormalization", ["x", "v", "v", "v", "w"]).op.kind).toBe("other"); // a [C, C, 3, 3] variance
    const op = opOf("BatchNormalization", bn).op;
    expect(op.kind === "batchnorm" && Array.from(await op.gamma.values())).toEqual([0.1, 0.2, 0.3].map(Math.fround));
  });

  it("reads Add/Sum of data as a sum and Add/Mul by a per-channel constant as affine", () => {
    expect(opOf("Add", ["x", "x"]).op.kind).toBe("add");
    expect(opOf("Sum", ["x", "x", "x"]).inputs).toEqual(["x", "x", "x"]);
    expect(opOf("Add", ["chw", "x"]).op).toMatchObject({ kind: "affine", shift: { shape: [C] } });
    expect(opOf("Mul", ["x", "nchw"]).op).toMatchObject({ kind: "affine", scale: { shape: [C] } });
    expect(opOf("Mul", ["x", "scalar"]).op).toMatchObject({ kind: "affine", scale: { shape: [1] } });
    expect(opOf("Mul", ["x", "v"]).op.kind).toBe("other"); // [C] broadcasts over the width, not the channels
    expect(opOf("Mul", ["x", "x"]).op.kind).toBe("other");
  });

  it("reads a constant Pad of the spatial axes in every form (zero, or its value), a zero Pad of other axes as layout only, nothing else", () => {
    expect(opOf("Pad", ["x", "pads"]).op).toEqual({ kind: "pad", pads: [1, 2, 3, 4] });
    expect(opOf("Pad", ["x", "spads", "", "axes"]).op).toEqual({ kind: "pad", pads: [1, 1, 2, 2] });
    expect(opOf("Pad", ["x"], { pads: intsAttr([0, 0, 1, 1, 0, 0, 1, 1]) }, 2).op).toEqual({
      kind: "pad",
      pads: [1, 1, 1, 1],
    });
    expect(opOf("Pad", ["x"], { paddings: intsAttr([0, 0, 1, 1, 0, 0, 1, 1]) }, 1).op.kind).toBe("pad");
    // A non-zero constant is a frame a chain may read, never a block's padding of its input.
    expect(opOf("Pad", ["x", "pads", "one"]).op).toEqual({ kind: "pad", pads: [1, 2, 3, 4], value: 1 });
    expect(opOf("Pad", ["x", "pads"], { mode: stringAttr("reflect") }).op.kind).toBe("other");
    // Channel padding is no block's pad: only pre-BN sinking reads it (and refuses to pass it).
    expect(opOf("Pad", ["x", "cpads"]).op).toEqual({
      kind: "layout",
      layout: { op: "pad", pads: [0, 1, 0, 0, 0, 0, 0, 0] },
    });
  });

  it("reads AveragePool as a block's pool only when it counts pads, in floor mode, else as layout only", () => {
    const a = { kernel_shape: intsAttr([3, 3]), pads: intsAttr([1, 1, 1, 1]) };
    expect(opOf("AveragePool", ["x"], { ...a, count_include_pad: intAttr(1) }).op).toMatchObject({
      kind: "avgpool",
      size: [3, 3],
      stride: [1, 1],
    });
    // The others only pre-BN sinking reads, with what decides whether an affine passes them.
    const layout = (countIncludePad: boolean, ceil: boolean) => ({
      kind: "layout",
      layout: { op: "avgpool", kernel: [3, 3], pads: [1, 1, 1, 1], countIncludePad, ceil },
    });
    expect(opOf("AveragePool", ["x"], a).op).toEqual(layout(false, false));
    expect(opOf("AveragePool", ["x"], { ...a, count_include_pad: intAttr(1), ceil_mode: intAttr(1) }).op).toEqual(
      layout(true, true),
    );
    expect(opOf("AveragePool", ["x"], { ...a, dilations: intsAttr([2, 2]) }).op.kind).toBe("other");
  });

  it("rounds a Cast constant as the Cast does, and lists every read of other nodes", async () => {
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [1, C, 8, 8] }],
      outputs: [{ name: "y" }],
      nodes: [
        { op: "Cast", inputs: ["v"], outputs: ["v16"], attrs: { to: intAttr(10) } },
        { op: "Cast", inputs: ["v16"], outputs: ["v32"], attrs: { to: intAttr(1) } },
        { op: "Mul", inputs: ["x", "v32"], outputs: ["y"] },
      ],
      initializers: inits,
    });
    const g = onnxGraphView(model);
    expect(Array.from(g.constants.get("v32")!.read().values as Float64Array)).toEqual(
      [0.1, 0.2, 0.3].map((x) => widenFloat16(narrowFloat16(Math.fround(x)))),
    );
    expect(g.view.nodes[2]!.inputs).toEqual(["x", "v32"]);
  });

  it("knows spatial sizes from declared shapes and propagates them through convs, pads and pools", () => {
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: ["N", C, 9, 8] }],
      outputs: [{ name: "y" }],
      nodes: [
        {
          op: "Conv",
          inputs: ["x", "w"],
          outputs: ["a"],
          attrs: { auto_pad: stringAttr("SAME_UPPER"), strides: intsAttr([2, 2]) },
        },
        { op: "Pad", inputs: ["a", "pads"], outputs: ["b"] },
        {
          op: "MaxPool",
          inputs: ["b"],
          outputs: ["c"],
          attrs: { kernel_shape: intsAttr([2, 2]), strides: intsAttr([2, 2]), ceil_mode: intAttr(1) },
        },
        { op: "Relu", inputs: ["c"], outputs: ["d"] },
        { op: "Add", inputs: ["d", "nchw"], outputs: ["e"] },
        { op: "GlobalAveragePool", inputs: ["e"], outputs: ["y"] },
      ],
      initializers: inits,
    });
    const { view } = onnxGraphView(model);
    expect(["x", "a", "b", "c", "d", "e", "y"].map((t) => view.spatialSize(t))).toEqual([
      [9, 8],
      [5, 4],
      [9, 10],
      [5, 5],
      [5, 5],
      [5, 5],
      [1, 1],
    ]);
  });
});
