import { narrowFloat16Array, widenFloat16 } from "@reparam/core";
import { TensorProto_DataType as DT } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { tensorAttr } from "../codec/attribute-value.js";
import { buildModel, type InitializerSpec, type NodeSpec } from "../codec/build-model.js";
import { constantTable } from "./_constant-table.js";
import { deadValues } from "../write/_dead-values.js";
import { makeTensor } from "../codec/make-tensor.js";

const bytes = (a: Float32Array | Uint16Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
// 1 + 1.5 * 2^-24 lies between two float32s: float32 Add rounds it to 1 + 2^-23.
const A = Float32Array.of(1, 0.1, -3, 2 ** -30);
const B = Float32Array.of(1.5 * 2 ** -24, 0.2, 3, 1);

function graphOf(nodes: NodeSpec[], initializers: InitializerSpec[], inputs = ["x"]) {
  return buildModel({
    opset: 13,
    inputs: inputs.map((name) => ({ name, dims: [4] })),
    outputs: [{ name: "y" }],
    nodes,
    initializers,
  }).graph!;
}
const eye: NodeSpec = {
  op: "Constant",
  inputs: [],
  outputs: ["b"],
  attrs: { value: tensorAttr(makeTensor("", [4], DT.FLOAT, bytes(B))) },
};
const sum: NodeSpec = { op: "Add", inputs: ["a", "b"], outputs: ["k"] };

describe("constantTable: Add of two constants (an export without constant folding)", () => {
  it("reads as the float32 sum the model computes, fl32(a + b), gives core the exact sum, and names the nodes that make it", async () => {
    const g = graphOf(
      [eye, sum, { op: "Mul", inputs: ["x", "k"], outputs: ["y"] }],
      [{ name: "a", dims: [4], data: A }],
    );
    const k = constantTable(g).get("k")!;
    const want = Float32Array.from(A, (v, i) => v + B[i]!);
    expect(want[0]).toBe(1 + 2 ** -23);
    expect(k.read()).toEqual({ dtype: "float32", values: Float64Array.from(want) });
    // The fusion computes in float64 and rounds once: it reads the exact sum (1 + 1.5 * 2^-24 is a float64).
    const exact = Float64Array.from(A, (v, i) => v + B[i]!);
    expect(exact[0]).toBe(1 + 1.5 * 2 ** -24);
    expect(await k.readFloats()).toEqual(exact);
    expect(await k.load()).toEqual(k.read());
    expect(k.nodes.map((n) => n.opType)).toEqual(["Constant", "Add"]);
    // Once nothing reads the sum, the Add, the Constant and the initializer go with it.
    const dead = deadValues(g, new Set([g.node[2]!]), constantTable(g), []);
    expect([...dead.initializers]).toEqual(["a"]);
    expect([...dead.nodes].map((n) => n.opType).sort()).toEqual(["Add", "Constant"]);
  });

  it("rounds a float16 sum to float16 where it is read", async () => {
    const h = (v: Float32Array): InitializerSpec => ({
      name: "",
      dims: [4],
      data: narrowFloat16Array(Float64Array.from(v)),
      type: "float16",
    });
    const g = graphOf(
      [sum, { op: "Mul", inputs: ["x", "k"], outputs: ["y"] }],
      [
        { ...h(A), name: "a" },
        { ...h(B), name: "b" },
      ],
    );
    const wa = Array.from(narrowFloat16Array(Float64Array.from(A)), widenFloat16);
    const wb = Array.from(narrowFloat16Array(Float64Array.from(B)), widenFloat16);
    const want = Float64Array.from(wa, (v, i) => widenFloat16(narrowFloat16Array(Float64Array.of(v + wb[i]!))[0]!));
    const k = constantTable(g).get("k")!;
    expect(k.read()).toEqual({ dtype: "float16", values: want });
    expect(await k.load()).toEqual({ dtype: "float16", values: want });
    expect(await k.readFloats()).toEqual(Float64Array.from(wa, (v, i) => v + wb[i]!));
  });

  it("is not a constant when a term is a graph input, or the shapes or types differ", () => {
    const mul: NodeSpec = { op: "Mul", inputs: ["x", "k"], outputs: ["y"] };
    expect(constantTable(graphOf([eye, sum, mul], [{ name: "a", dims: [4], data: A }], ["x", "a"])).has("k")).toBe(
      false,
    );
    expect(constantTable(graphOf([eye, sum, mul], [{ name: "a", dims: [2, 2], data: A }])).has("k")).toBe(false);
    expect(
      constantTable(graphOf([eye, sum, mul], [{ name: "a", dims: [4], data: Float64Array.from(A) }])).has("k"),
    ).toBe(false);
  });
});
