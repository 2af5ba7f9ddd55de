import { TensorProto_DataType as DT } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { familyCases, fixtureBytes } from "../../../../tools/conformance/src/index.js";
import { intAttr, intsAttr, tensorAttr } from "../codec/attribute-value.js";
import { buildModel, type InitializerSpec, type NodeSpec } from "../codec/build-model.js";
import { decodeModel } from "../codec/decode-model.js";
import { makeTensor } from "../codec/make-tensor.js";
import { deadValues } from "../write/_dead-values.js";
import { constantTable } from "./_constant-table.js";
import { padAmounts } from "./_pad-amounts.js";
import { onnxGraphView } from "./onnx-graph-view.js";

const i64 = (...v: (number | bigint)[]) => BigInt64Array.from(v, BigInt);
const int = (name: string, ...v: (number | bigint)[]): InitializerSpec => ({ name, dims: [v.length], data: i64(...v) });
const INT64_MIN_1 = -(2n ** 63n) + 1n;

/**
 * The chain torch.onnx writes for F.pad(x, (left, right, top, bottom)) in
 * front of a Pad (opset 11+): the pads of the last axes first, zeros for the
 * leading axes, regrouped into ONNX's begins-then-ends order by Reshape,
 * reversed Slice, Transpose, Reshape and a Cast.
 */
function padChain(): NodeSpec[] {
  const zeros = makeTensor("", [1], DT.INT64, new Uint8Array(8));
  return [
    { op: "ConstantOfShape", inputs: ["n_zeros"], outputs: ["zeros"], attrs: { value: tensorAttr(zeros) } },
    { op: "Concat", inputs: ["torch_pads", "zeros"], outputs: ["cat"], attrs: { axis: intAttr(0) } },
    { op: "Reshape", inputs: ["cat", "pairs"], outputs: ["pairs2"], attrs: { allowzero: intAttr(0) } },
    { op: "Slice", inputs: ["pairs2", "start", "end", "axis0", "step"], outputs: ["rev"] },
    { op: "Transpose", inputs: ["rev"], outputs: ["t"], attrs: { perm: intsAttr([1, 0]) } },
    { op: "Reshape", inputs: ["t", "flat"], outputs: ["flat2"], attrs: { allowzero: intAttr(0) } },
    { op: "Cast", inputs: ["flat2"], outputs: ["pads"], attrs: { to: intAttr(DT.INT64) } },
    { op: "Pad", inputs: ["x", "pads", ""], outputs: ["y"], attrs: {} },
  ];
}

function padModel(torchPads: number[], rank: number) {
  return buildModel({
    opset: 17,
    inputs: [{ name: "x", dims: Array.from({ length: rank }, () => 5) }],
    outputs: [{ name: "y" }],
    nodes: padChain(),
    initializers: [
      int("torch_pads", ...torchPads),
      int("n_zeros", 2 * rank - torchPads.length),
      int("pairs", -1, 2),
      int("start", -1),
      int("end", INT64_MIN_1),
      int("axis0", 0),
      int("step", -1),
      int("flat", -1),
    ],
  });
}

describe("constant folding of the F.pad export chain", () => {
  it("folds ConstantOfShape, Concat, Reshape, reversed Slice, Transpose and Cast into ONNX's pads", () => {
    // F.pad(x, (left 1, right 2, top 3, bottom 4)) on NCHW: begins [0, 0, 3, 1], ends [0, 0, 4, 2].
    const m = padModel([1, 2, 3, 4], 4);
    const t = constantTable(m.graph!, undefined, false, 17);
    const pads = t.get("pads")!;
    expect(pads.dims).toEqual([8]);
    expect(pads.dataType).toBe(DT.INT64);
    expect(pads.read()).toEqual({ dtype: "int64", values: i64(0, 0, 3, 1, 0, 0, 4, 2) });
    expect(pads.nodes.map((n) => n.opType)).toEqual([
      "ConstantOfShape",
      "Concat",
      "Reshape",
      "Slice",
      "Transpose",
      "Reshape",
      "Cast",
    ]);
    const pad = m.graph!.node.at(-1)!;
    expect(padAmounts(pad, t, 17, 4)?.pads).toEqual([0, 0, 3, 1, 0, 0, 4, 2]);
    // Once the Pad goes, the whole chain and its initializers go with it.
    const dead = deadValues(m.graph!, new Set([pad]), t, []);
    expect(dead.nodes.size).toBe(7);
    expect([...dead.initializers].sort()).toEqual(
      ["axis0", "end", "flat", "n_zeros", "pairs", "start", "step", "torch_pads"].sort(),
    );
  });

  it("folds a 3-D F.pad (one pair: the last axis) through the graph view", () => {
    const g = onnxGraphView(padModel([2, 0], 3));
    expect(g.constants.get("pads")!.read().values).toEqual(i64(0, 0, 2, 0, 0, 0));
  });

  it.each(["ecbsr", "span_conv3xc", "orepa"])("%s: reads every Pad's amounts, in both exports", (name) => {
    const c = familyCases("families2").find((x) => x.name === name)!;
    for (const variant of ["train", "train_unfolded"] as const) {
      const g = onnxGraphView(decodeModel(fixtureBytes(c.onnx[variant])));
      const pads = [...g.nodes.values()].filter((n) => n.opType === "Pad");
      expect(pads.length).toBeGreaterThan(0);
      for (const p of pads) {
        const a = padAmounts(p, g.constants, g.opset, g.shapes.get(p.input[0]!)?.length);
        expect(a?.pads.slice(0, 2)).toEqual([0, 0]); // no batch or channel padding
        expect(a?.pads[2]).toBeGreaterThan(0);
      }
    }
  });
});
