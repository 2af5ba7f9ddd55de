import { TensorProto_DataType as DT } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { familyCases, fixtureBytes } from "../../../../tools/conformance/src/index.js";
import { expectFold, folded } from "../../test/_fold-graph.js";
import { floatAttr, intAttr, intsAttr, stringAttr, tensorAttr } from "../codec/attribute-value.js";
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

const INT64_MAX = 2n ** 63n - 1n;
const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const x24: InitializerSpec = { name: "x", dims: [2, 4], data: iota(8) };
const slice = (starts: bigint[], ends: bigint[], axes: bigint[], steps: bigint[], x = x24) => ({
  nodes: [{ op: "Slice", inputs: ["x", "s", "e", "a", "t"], outputs: ["y"] }],
  initializers: [x, int("s", ...starts), int("e", ...ends), int("a", ...axes), int("t", ...steps)],
});

describe("constant folding of Slice", () => {
  it("clamps an INT64_MAX end to the dim", async () => {
    await expectFold(slice([1n], [INT64_MAX], [1n], [1n]), [2, 3], [1, 2, 3, 5, 6, 7]);
  });

  it("walks backwards with a negative step down to an INT64_MIN end", async () => {
    await expectFold(slice([-1n], [INT64_MIN_1 - 1n], [0n], [-1n]), [2, 4], [4, 5, 6, 7, 0, 1, 2, 3]);
    await expectFold(slice([-2n], [0n], [-1n], [-1n]), [2, 2], [2, 1, 6, 5]);
  });

  it("counts negative starts from the end and takes every second element", async () => {
    const x = { name: "x", dims: [5], data: iota(5) };
    await expectFold(slice([-3n], [100n], [0n], [2n], x), [2], [2, 4]);
    await expectFold(slice([4n], [1n], [0n], [1n], x), [0], []);
  });

  it("reads opset 9's starts, ends and axes attributes", async () => {
    const c = {
      opset: 9,
      nodes: [
        {
          op: "Slice",
          inputs: ["x"],
          outputs: ["y"],
          attrs: { starts: intsAttr([0, 1]), ends: intsAttr([1, -1]), axes: intsAttr([0, 1]) },
        },
      ],
      initializers: [x24],
    };
    await expectFold(c, [1, 2], [1, 2]);
  });

  it("leaves a step of 0 in the graph", () => {
    expect(folded(slice([0n], [1n], [0n], [0n]))).toBeUndefined();
  });
});

describe("constant folding of Pad, Expand and ConstantOfShape", () => {
  const pad = (pads: number[], extra: { inputs?: string[]; inits?: InitializerSpec[]; opset?: number } = {}) => ({
    opset: extra.opset ?? 17,
    nodes: [{ op: "Pad", inputs: extra.inputs ?? ["x", "p", "v"], outputs: ["y"] }],
    initializers: [
      { name: "x", dims: [2, 3], data: iota(6) },
      int("p", ...pads),
      { name: "v", dims: [], data: Float32Array.of(2.5) },
      ...(extra.inits ?? []),
    ],
  });

  it("pads with the constant value: begins then ends per axis", async () => {
    const f = 2.5;
    await expectFold(pad([1, 0, 0, 1]), [3, 4], [f, f, f, f, 0, 1, 2, f, 3, 4, 5, f]);
  });

  it("crops with negative pads", async () => {
    await expectFold(pad([0, -1, 0, 1]), [2, 3], [1, 2, 2.5, 4, 5, 2.5]);
  });

  it("pads only opset 18's axes", async () => {
    const c = pad([2, 1], { inputs: ["x", "p", "", "a"], inits: [int("a", -1)], opset: 18 });
    await expectFold(c, [2, 6], [0, 0, 0, 1, 2, 0, 0, 0, 3, 4, 5, 0]);
  });

  it("reads opset 10's pads and value attributes", async () => {
    const c = {
      opset: 10,
      nodes: [
        { op: "Pad", inputs: ["x"], outputs: ["y"], attrs: { pads: intsAttr([0, 1, 0, 0]), value: floatAttr(-1) } },
      ],
      initializers: [{ name: "x", dims: [1, 2], data: iota(2) }],
    };
    await expectFold(c, [1, 3], [-1, 0, 1]);
  });

  it("leaves reflect and edge padding in the graph", () => {
    const c = pad([1, 0, 0, 1]);
    expect(folded({ ...c, nodes: [{ ...c.nodes[0]!, attrs: { mode: stringAttr("reflect") } }] })).toBeUndefined();
  });

  it("expands both ways (numpy broadcast of the input and the shape)", async () => {
    const c = (shape: number[]) => ({
      nodes: [{ op: "Expand", inputs: ["x", "s"], outputs: ["y"] }],
      initializers: [{ name: "x", dims: [3, 1], data: iota(3) }, int("s", ...shape)],
    });
    const want: number[] = [];
    for (let b = 0; b < 2; b++) for (let i = 0; i < 3; i++) for (let k = 0; k < 2; k++) want.push(i);
    await expectFold(c([2, 1, 2]), [2, 3, 2], want);
    await expectFold(c([1]), [3, 1], [0, 1, 2]);
  });

  it("fills the given shape with the value's type, float32 0 by default", async () => {
    const seven = makeTensor("", [1], DT.INT64, new Uint8Array(i64(7).buffer));
    await expectFold(
      {
        type: "int64",
        nodes: [{ op: "ConstantOfShape", inputs: ["s"], outputs: ["y"], attrs: { value: tensorAttr(seven) } }],
        initializers: [int("s", 2, 2)],
      },
      [2, 2],
      [7n, 7n, 7n, 7n],
    );
    await expectFold(
      { nodes: [{ op: "ConstantOfShape", inputs: ["s"], outputs: ["y"] }], initializers: [int("s", 3)] },
      [3],
      [0, 0, 0],
    );
  });

  it("leaves a constant of more than 2^26 elements in the graph", () => {
    const big = (dims: number[]) => ({
      nodes: [{ op: "ConstantOfShape", inputs: ["s"], outputs: ["y"] }],
      initializers: [int("s", ...dims)],
    });
    expect(folded(big([2 ** 13, 2 ** 13]))?.dims).toEqual([2 ** 13, 2 ** 13]);
    expect(folded(big([2 ** 13, 2 ** 14]))).toBeUndefined();
  });
});
