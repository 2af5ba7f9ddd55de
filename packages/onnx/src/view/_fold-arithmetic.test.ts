import { narrowFloat16, widenFloat16 } from "@reparam/core";
import { TensorProto_DataType as DT } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { expectFold, folded, i64, ortValue } from "../../test/_fold-graph.js";
import { intAttr } from "../codec/attribute-value.js";
import type { InitializerSpec } from "../codec/build-model.js";
import type { OnnxDType } from "../codec/onnx-dtype.js";

const f32 = (name: string, dims: number[], ...v: number[]): InitializerSpec => ({
  name,
  dims,
  data: Float32Array.from(v),
});
const binary = (op: string, a: InitializerSpec, b: InitializerSpec, type?: OnnxDType) => ({
  ...(type === undefined ? {} : { type }),
  nodes: [{ op, inputs: [a.name, b.name], outputs: ["y"] }],
  initializers: [a, b],
});

describe("constant folding of Add, Sub, Mul and Div", () => {
  it("broadcasts float operands as numpy does", async () => {
    const a = f32("a", [2, 3], 1, 2, 3, 4, 5, 6);
    await expectFold(binary("Add", a, f32("b", [3], 10, 20, 30)), [2, 3], [11, 22, 33, 14, 25, 36]);
    await expectFold(binary("Mul", f32("a", [2, 1], 2, 3), f32("b", [1, 3], 1, 2, 3)), [2, 3], [2, 4, 6, 3, 6, 9]);
    await expectFold(binary("Sub", a, f32("b", [], 1)), [2, 3], [0, 1, 2, 3, 4, 5]);
  });

  it("divides floats, rounding the quotient once to float32", async () => {
    await expectFold(
      binary("Div", f32("a", [3], 1, 2, -7), f32("b", [3], 3, 10, 0.1)),
      [3],
      [Math.fround(1 / 3), Math.fround(2 / 10), Math.fround(-7 / Math.fround(0.1))],
    );
  });

  it("keeps int64 exact and truncates integer division toward zero", async () => {
    const a: InitializerSpec = { name: "a", dims: [4], data: i64(7, -7, 7, -7) };
    const b: InitializerSpec = { name: "b", dims: [4], data: i64(2, 2, -2, -2) };
    await expectFold(binary("Div", a, b, "int64"), [4], [3n, -3n, -3n, 3n]);
    const big: InitializerSpec = { name: "a", dims: [1], data: i64(2n ** 62n + 1n) };
    await expectFold(binary("Sub", big, { name: "b", dims: [], data: i64(1) }, "int64"), [1], [2n ** 62n]);
  });

  it("wraps int32 as onnxruntime does", async () => {
    const a: InitializerSpec = { name: "a", dims: [1], data: Int32Array.of(2 ** 31 - 1) };
    await expectFold(binary("Add", a, { name: "b", dims: [1], data: Int32Array.of(1) }, "int32"), [1], [-(2 ** 31)]);
  });

  it("leaves an integer division by zero and operands of two types in the graph", () => {
    const a: InitializerSpec = { name: "a", dims: [2], data: i64(1, 2) };
    expect(folded(binary("Div", a, { name: "b", dims: [2], data: i64(1, 0) }, "int64"))).toBeUndefined();
    expect(folded(binary("Add", f32("a", [1], 1), { name: "b", dims: [1], data: Float64Array.of(1) }))).toBeUndefined();
  });

  it("computes a chain in float64 and rounds once, where float32 steps round twice", async () => {
    // a * b = 1 + 2^-11 + 2^-24 exactly: float32 rounds that tie to even (1 + 2^-11), and adding 2^-25 then changes
    // nothing; in float64, a * b + c = 1 + 2^-11 + 2^-24 + 2^-25 rounds once, up, to 1 + 2^-11 + 2^-23.
    const c = {
      nodes: [
        { op: "Mul", inputs: ["a", "b"], outputs: ["ab"] },
        { op: "Add", inputs: ["ab", "c"], outputs: ["y"] },
      ],
      initializers: [f32("a", [1], 1 + 2 ** -12), f32("b", [1], 1 + 2 ** -12), f32("c", [1], 2 ** -25)],
    };
    const k = folded(c)!;
    expect(k.read().values).toEqual(Float64Array.of(1 + 2 ** -11 + 2 ** -23));
    expect(await k.readFloats()).toEqual(Float64Array.of(1 + 2 ** -11 + 2 ** -24 + 2 ** -25)); // exact, for the fusion to round
    expect((await ortValue(c)).values).toEqual([1 + 2 ** -11]); // onnxruntime rounds each step
    expect(k.nodes.map((n) => n.opType)).toEqual(["Mul", "Add"]);
  });
});

describe("constant folding of Cast", () => {
  const cast = (x: InitializerSpec, to: number, type: OnnxDType) => ({
    type,
    nodes: [{ op: "Cast", inputs: ["x"], outputs: ["y"], attrs: { to: intAttr(to) } }],
    initializers: [x],
  });

  it("truncates floats toward zero into int64", async () => {
    await expectFold(cast(f32("x", [4], 1.7, -1.7, 2.5, -0), DT.INT64, "int64"), [4], [1n, -1n, 2n, 0n]);
  });

  it("rounds int64 once into float32", async () => {
    await expectFold(
      cast({ name: "x", dims: [2], data: i64(2 ** 24 + 1, -3) }, DT.FLOAT, "float32"),
      [2],
      [2 ** 24, -3],
    );
  });

  it("rounds float32 to float16 and double to float32 (ties to even)", async () => {
    const h = [1 + 2 ** -11, 65504, 0.1];
    const want = h.map((v) => widenFloat16(narrowFloat16(Math.fround(v))));
    expect(want[0]).toBe(1); // the tie goes to the even neighbour
    const k = folded(cast(f32("x", [3], ...h), DT.FLOAT16, "float16"))!;
    expect([...k.read().values]).toEqual(want);
    await expectFold(
      cast({ name: "x", dims: [1], data: Float64Array.of(0.1) }, DT.FLOAT, "float32"),
      [1],
      [Math.fround(0.1)],
    );
  });

  it("leaves NaN, infinities and out-of-range values cast to integers in the graph", () => {
    expect(folded(cast(f32("x", [1], Number.NaN), DT.INT64, "int64"))).toBeUndefined();
    expect(folded(cast(f32("x", [1], Number.POSITIVE_INFINITY), DT.INT64, "int64"))).toBeUndefined();
    expect(folded(cast(f32("x", [1], 2 ** 40), DT.INT32, "int32"))).toBeUndefined();
  });
});
