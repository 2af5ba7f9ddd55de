import { describe, expect, it } from "vitest";
import { expectFold, folded, i64 } from "../../test/_fold-graph.js";
import { intAttr, intsAttr } from "../codec/attribute-value.js";
import { buildModel, type InitializerSpec } from "../codec/build-model.js";
import { constantTable } from "./_constant-table.js";

// Each case: the folded constant against values written out by hand (or by
// an obviously correct loop), and onnxruntime on the same graph.

const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i);
const x234: InitializerSpec = { name: "x", dims: [2, 3, 4], data: iota(24) };
const ints = (name: string, ...v: number[]): InitializerSpec => ({ name, dims: [v.length], data: i64(...v) });

describe("constant folding of Reshape, Squeeze and Unsqueeze", () => {
  it("reshapes with 0 (copy the dim) and -1 (what is left)", async () => {
    const c = {
      nodes: [{ op: "Reshape", inputs: ["x", "s"], outputs: ["y"] }],
      initializers: [x234, ints("s", 0, -1)],
    };
    await expectFold(c, [2, 12], [...iota(24)]);
  });

  it("reads 0 as a dim of 0 under allowzero", () => {
    const c = {
      nodes: [{ op: "Reshape", inputs: ["x", "s"], outputs: ["y"], attrs: { allowzero: intAttr(1) } }],
      initializers: [x234, ints("s", 0, -1)],
    };
    expect(folded(c)).toBeUndefined(); // 0 x anything cannot hold 24 values
  });

  it("squeezes the axes given as an input, or every dim of 1", async () => {
    const axes = {
      nodes: [{ op: "Squeeze", inputs: ["x", "a"], outputs: ["y"] }],
      initializers: [{ name: "x", dims: [1, 3, 1], data: iota(3) }, ints("a", 0, -1)],
    };
    await expectFold(axes, [3], [0, 1, 2]);
    const all = {
      nodes: [{ op: "Squeeze", inputs: ["x"], outputs: ["y"] }],
      initializers: [{ name: "x", dims: [1, 3, 1, 2], data: iota(6) }],
    };
    await expectFold(all, [3, 2], [0, 1, 2, 3, 4, 5]);
  });

  it("reads opset 11's axes attributes", async () => {
    const sq = {
      opset: 11,
      nodes: [{ op: "Squeeze", inputs: ["x"], outputs: ["y"], attrs: { axes: intsAttr([2]) } }],
      initializers: [{ name: "x", dims: [2, 1, 1], data: iota(2) }],
    };
    await expectFold(sq, [2, 1], [0, 1]);
    const un = {
      opset: 11,
      nodes: [{ op: "Unsqueeze", inputs: ["x"], outputs: ["y"], attrs: { axes: intsAttr([1]) } }],
      initializers: [{ name: "x", dims: [2], data: iota(2) }],
    };
    await expectFold(un, [2, 1], [0, 1]);
  });

  it("unsqueezes at negative axes of the output rank", async () => {
    const c = {
      nodes: [{ op: "Unsqueeze", inputs: ["x", "a"], outputs: ["y"] }],
      initializers: [{ name: "x", dims: [2, 3], data: iota(6) }, ints("a", 0, -1)],
    };
    await expectFold(c, [1, 2, 3, 1], [...iota(6)]);
  });
});

describe("constant folding of Transpose, Concat and Gather", () => {
  it("transposes by perm: y[k][i][j] = x[i][j][k]", async () => {
    const c = {
      nodes: [{ op: "Transpose", inputs: ["x"], outputs: ["y"], attrs: { perm: intsAttr([2, 0, 1]) } }],
      initializers: [x234],
    };
    const want: number[] = [];
    for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) want.push(i * 12 + j * 4 + k);
    await expectFold(c, [4, 2, 3], want);
  });

  it("reverses the axes of an int64 tensor when perm is absent", async () => {
    const c = {
      type: "int64" as const,
      nodes: [{ op: "Transpose", inputs: ["x"], outputs: ["y"] }],
      initializers: [{ name: "x", dims: [2, 3], data: i64(1, 2, 3, 4, 5, 6) }],
    };
    await expectFold(c, [3, 2], [1n, 4n, 2n, 5n, 3n, 6n]);
  });

  it("concatenates floats along a negative axis and ints along axis 0", async () => {
    const f = {
      nodes: [{ op: "Concat", inputs: ["a", "b"], outputs: ["y"], attrs: { axis: intAttr(-1) } }],
      initializers: [
        { name: "a", dims: [2, 1], data: Float32Array.of(1, 2) },
        { name: "b", dims: [2, 2], data: Float32Array.of(3, 4, 5, 6) },
      ],
    };
    await expectFold(f, [2, 3], [1, 3, 4, 2, 5, 6]);
    const n = {
      type: "int64" as const,
      nodes: [{ op: "Concat", inputs: ["a", "b", "a"], outputs: ["y"], attrs: { axis: intAttr(0) } }],
      initializers: [ints("a", 7), ints("b", 8, 9)],
    };
    await expectFold(n, [4], [7n, 8n, 9n, 7n]);
  });

  it("gathers along an axis with negative and 2-D indices", async () => {
    const c = {
      nodes: [{ op: "Gather", inputs: ["x", "i"], outputs: ["y"], attrs: { axis: intAttr(1) } }],
      initializers: [
        { name: "x", dims: [2, 3], data: iota(6) },
        { name: "i", dims: [1, 2], data: i64(-1, 0) },
      ],
    };
    await expectFold(c, [2, 1, 2], [2, 0, 5, 3]);
  });

  it("gathers a scalar with a scalar index (OREPA's vector[b])", async () => {
    const c = {
      nodes: [{ op: "Gather", inputs: ["x", "i"], outputs: ["y"], attrs: { axis: intAttr(0) } }],
      initializers: [
        { name: "x", dims: [3, 2], data: iota(6) },
        { name: "i", dims: [], data: i64(2) },
      ],
    };
    await expectFold(c, [2], [4, 5]);
  });

  it("leaves an index out of range in the graph", () => {
    const c = {
      nodes: [{ op: "Gather", inputs: ["x", "i"], outputs: ["y"] }],
      initializers: [
        { name: "x", dims: [3], data: iota(3) },
        { name: "i", dims: [], data: i64(3) },
      ],
    };
    expect(folded(c)).toBeUndefined();
  });
});

describe("constant folding of Shape", () => {
  it("gives a constant's dims, between start and end", async () => {
    const c = (attrs = {}) => ({
      type: "int64" as const,
      nodes: [{ op: "Shape", inputs: ["x"], outputs: ["y"], attrs }],
      initializers: [x234],
    });
    await expectFold(c(), [3], [2n, 3n, 4n]);
    await expectFold(c({ start: intAttr(1) }), [2], [3n, 4n]);
    await expectFold(c({ end: intAttr(-1) }), [2], [2n, 3n]);
  });

  it("gives the declared dims of a graph input, and nothing for a symbolic one", () => {
    const table = (dims: (number | string)[]) =>
      constantTable(
        buildModel({
          opset: 17,
          inputs: [{ name: "x", dims }],
          outputs: [{ name: "y", type: "int64" }],
          nodes: [{ op: "Shape", inputs: ["x"], outputs: ["y"] }],
        }).graph!,
        undefined,
        false,
        17,
      );
    const s = table([1, 8, 5, 5]).get("y")!;
    expect(s.read().values).toEqual(i64(1, 8, 5, 5));
    expect(s.nodes.map((n) => n.opType)).toEqual(["Shape"]);
    expect(table(["N", 8, 5, 5]).has("y")).toBe(false);
  });
});
