import { narrowFloat16Array, widenFloat16Array } from "@reparam/core";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  buildModel,
  encodeModel,
  floatAttr,
  intAttr,
  intsAttr,
  makeTensor,
  stringAttr,
  tensorAttr,
  tensorValues,
  TensorProto_DataType as DT,
  type InitializerSpec,
  type ModelProto,
  type NodeSpec,
} from "../src/index.js";
import { bn, convWeights, inputData, repvggBlock } from "./_blocks.js";
import { convert, opTypes, relativeError, run } from "./_convert.js";

const rand = seededRandom(2024);

/** Converts, checks the op types left, and that onnxruntime gives the same output. */
async function fuseAndCompare(model: ModelProto, dims: number[], ops: string[]) {
  const x = {
    x: {
      data: inputData(
        rand,
        dims.reduce((a, b) => a * b),
      ),
      dims,
    },
  };
  const out = await convert(model);
  expect(opTypes(out.model)).toEqual(ops);
  const want = await run(encodeModel(model), x);
  const err = relativeError(await run(out.bytes, x), want);
  expect(err).toBeLessThanOrEqual(1e-5);
  return out;
}

describe("generated graphs", () => {
  it("resolves SAME_UPPER at stride 2 on an even input from propagated shapes: pads 0/1, the 1x1 at the top-left", async () => {
    const w3 = convWeights(rand, "b.k3", 6, 6, 3, 3, true);
    const w1 = convWeights(rand, "b.k1", 6, 6, 1, 1, true);
    const same = { auto_pad: stringAttr("SAME_UPPER"), strides: intsAttr([2, 2]) };
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [1, 3, 8, 8] }],
      outputs: [{ name: "y" }],
      nodes: [
        {
          op: "Conv",
          name: "/stem/Conv",
          inputs: ["x", "stem.weight"],
          outputs: ["s"],
          attrs: { pads: intsAttr([1, 1, 1, 1]) },
        },
        { op: "Relu", inputs: ["s"], outputs: ["r"] },
        { op: "Conv", name: "/b/k3/Conv", inputs: ["r", "b.k3.weight", "b.k3.bias"], outputs: ["c3"], attrs: same },
        { op: "Conv", name: "/b/k1/Conv", inputs: ["r", "b.k1.weight", "b.k1.bias"], outputs: ["c1"], attrs: same },
        { op: "Add", name: "/b/Add", inputs: ["c3", "c1"], outputs: ["y"] },
      ],
      initializers: [...convWeights(rand, "stem", 6, 3, 3), ...w3, ...w1],
    });
    const out = await fuseAndCompare(model, [1, 3, 8, 8], ["Conv", "Relu", "Conv"]);
    const conv = out.model.graph!.node[2]!;
    expect(conv.attribute.find((a) => a.name === "pads")!.ints).toEqual([0n, 0n, 1n, 1n]);
    expect(conv.attribute.some((a) => a.name === "auto_pad")).toBe(false);
    const fused = tensorValues(out.model.graph!.initializer.find((t) => t.name === conv.input[1])!).values;
    const k3 = w3[0]!.data;
    const k1 = w1[0]!.data;
    // element (o, i, 0, 0) holds 3x3 + 1x1, (o, i, 1, 1) the 3x3 alone
    for (let oi = 0; oi < 36; oi++) {
      expect(fused[oi * 9]).toBe(Math.fround(Number(k3[oi * 9]) + Number(k1[oi])));
      expect(fused[oi * 9 + 4]).toBe(Number(k3[oi * 9 + 4]));
    }
  });

  it("folds an explicit Pad node (input form, opset 13) into the fused conv's pads", async () => {
    const c = 4;
    const id = bn(rand, "b.id", "x", "i", c);
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [1, c, 6, 7] }],
      outputs: [{ name: "y" }],
      nodes: [
        { op: "Pad", inputs: ["x", "pads"], outputs: ["p"] },
        { op: "Conv", inputs: ["p", "k3.weight", "k3.bias"], outputs: ["c3"] },
        { op: "Conv", inputs: ["x", "k1.weight"], outputs: ["c1"] },
        ...id.nodes,
        { op: "Sum", inputs: ["c3", "c1", "i"], outputs: ["y"] },
      ],
      initializers: [
        { name: "pads", dims: [8], data: BigInt64Array.from([0n, 0n, 1n, 1n, 0n, 0n, 1n, 1n]) },
        ...convWeights(rand, "k3", c, c, 3, 3, true),
        ...convWeights(rand, "k1", c, c, 1),
        ...id.initializers,
      ],
    });
    const out = await fuseAndCompare(model, [1, c, 6, 7], ["Conv"]);
    expect(out.model.graph!.node[0]!.attribute.find((a) => a.name === "pads")!.ints).toEqual([1n, 1n, 1n, 1n]);
    expect(out.model.graph!.initializer.map((t) => t.name)).toEqual(out.model.graph!.node[0]!.input.slice(1)); // the pads went too
  });

  it.each([9, 11, 17])(
    "fuses an unfolded RepVGG net at opset %i, with the Pad of that opset, keeping opset and IR version",
    async (opset) => {
      const c = 4;
      const b0 = repvggBlock(rand, 0, "x", "/blocks.0/out", c);
      const padNode: NodeSpec =
        opset < 11
          ? {
              op: "Pad",
              inputs: ["r0"],
              outputs: ["p"],
              attrs: { pads: intsAttr([0, 0, 1, 1, 0, 0, 1, 1]), mode: stringAttr("constant"), value: floatAttr(0) },
            }
          : { op: "Pad", inputs: ["r0", "pads", "zero"], outputs: ["p"] };
      const k = bn(rand, "b1.bn", "k", "kb", c);
      const model = buildModel({
        opset,
        inputs: [{ name: "x", dims: [1, c, 5, 5] }],
        outputs: [{ name: "y" }],
        nodes: [
          ...b0.nodes,
          { op: "Relu", inputs: ["/blocks.0/out"], outputs: ["r0"] },
          padNode,
          { op: "Conv", inputs: ["p", "b1.k.weight"], outputs: ["k"] },
          ...k.nodes,
          { op: "Add", inputs: ["kb", "r0"], outputs: ["y"] },
        ],
        initializers: [
          ...b0.initializers,
          ...convWeights(rand, "b1.k", c, c, 3),
          ...k.initializers,
          ...(opset < 11
            ? []
            : [
                { name: "pads", dims: [8], data: BigInt64Array.from([0n, 0n, 1n, 1n, 0n, 0n, 1n, 1n]) },
                { name: "zero", dims: [], data: new Float32Array([0]) },
              ]),
        ],
      });
      const out = await fuseAndCompare(model, [1, c, 5, 5], ["Conv", "Relu", "Conv"]);
      expect(out.model.opsetImport[0]!.version).toBe(BigInt(opset));
      expect(out.model.irVersion).toBe(model.irVersion);
      expect(out.report.families).toEqual({ repvgg: 2 });
    },
  );

  it("reads weights from Constant nodes, through Identity and Cast, and drops those nodes", async () => {
    const c = 3;
    const [k3, k3b] = convWeights(rand, "k3", c, c, 3, 3, true) as [InitializerSpec, InitializerSpec];
    const k1 = Float64Array.from(convWeights(rand, "k1", c, c, 1)[0]!.data as Float32Array, (v) => v + 1e-9); // rounded by the Cast
    const constant = (name: string, t: ReturnType<typeof makeTensor>): NodeSpec => ({
      op: "Constant",
      inputs: [],
      outputs: [name],
      attrs: { value: tensorAttr(t) },
    });
    const bytes = (a: Float32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [1, c, 4, 4] }],
      outputs: [{ name: "y" }],
      nodes: [
        constant("w3", makeTensor("", k3.dims, DT.FLOAT, bytes(k3.data as Float32Array))),
        constant("b3c", makeTensor("", k3b.dims, DT.FLOAT, bytes(k3b.data as Float32Array))),
        { op: "Identity", inputs: ["b3c"], outputs: ["b3"] },
        constant("w1d", makeTensor("", [c, c, 1, 1], DT.DOUBLE, bytes(k1))),
        { op: "Cast", inputs: ["w1d"], outputs: ["w1"], attrs: { to: intAttr(DT.FLOAT) } },
        { op: "Conv", inputs: ["x", "w3", "b3"], outputs: ["c3"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
        { op: "Conv", inputs: ["x", "w1"], outputs: ["c1"] },
        { op: "Add", inputs: ["c3", "c1"], outputs: ["a"] },
        { op: "Relu", inputs: ["a"], outputs: ["y"] },
      ],
    });
    const out = await fuseAndCompare(model, [1, c, 4, 4], ["Conv", "Relu"]);
    const fused = tensorValues(out.model.graph!.initializer[0]!).values;
    expect(fused[4]).toBe(Math.fround(Number(k3.data[4]) + Math.fround(k1[0]!)));
  });

  it("lists the new initializers among the graph inputs of an IR version 3 model, as that version requires", async () => {
    const c = 2;
    const [w3] = convWeights(rand, "k3", c, c, 3);
    const [w1] = convWeights(rand, "k1", c, c, 1);
    const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const constant = (name: string, w: InitializerSpec): NodeSpec => ({
      op: "Constant",
      inputs: [],
      outputs: [name],
      attrs: { value: tensorAttr(makeTensor("", w.dims, DT.FLOAT, bytes(w.data as Float32Array))) },
    });
    const model = buildModel({
      opset: 7,
      irVersion: 3,
      inputs: [{ name: "x", dims: [1, c, 4, 4] }],
      outputs: [{ name: "y", dims: [1, c, 4, 4] }],
      nodes: [
        constant("w3", w3!),
        constant("w1", w1!),
        { op: "Conv", inputs: ["x", "w3"], outputs: ["c3"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
        { op: "Conv", inputs: ["x", "w1"], outputs: ["c1"] },
        { op: "Add", inputs: ["c3", "c1"], outputs: ["y"] },
      ],
    });
    const out = await fuseAndCompare(model, [1, c, 4, 4], ["Conv"]);
    expect(out.model.irVersion).toBe(3n);
    expect(out.model.graph!.input.map((v) => v.name)).toEqual([
      "x",
      ...out.model.graph!.initializer.map((t) => t.name),
    ]);
  });

  it("keeps a float16 model float16: fused weights rounded once to float16", async () => {
    const c = 4;
    const f16 = (specs: InitializerSpec[]) =>
      specs.map((s) => ({ ...s, data: narrowFloat16Array(s.data as Float32Array), type: "float16" as const }));
    const b0 = repvggBlock(rand, 0, "x", "a", c);
    const model = buildModel({
      opset: 17,
      inputs: [{ name: "x", dims: [1, c, 6, 6], type: "float16" }],
      outputs: [{ name: "y", type: "float16" }],
      nodes: [...b0.nodes, { op: "Relu", inputs: ["a"], outputs: ["y"] }],
      initializers: f16(b0.initializers),
    });
    const x = { x: { data: narrowFloat16Array(inputData(rand, c * 36)), dims: [1, c, 6, 6] } };
    const out = await convert(model);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu"]);
    expect(out.model.graph!.initializer.map((t) => t.dataType)).toEqual([DT.FLOAT16, DT.FLOAT16]);
    expect(out.report.details.dtype).toBe("float16");
    const got = widenFloat16Array((await run(out.bytes, x)) as Uint16Array);
    const want = widenFloat16Array((await run(encodeModel(model), x)) as Uint16Array);
    expect(relativeError(got, want)).toBeLessThan(2e-3); // float16 activations on both sides
  });

  it("fuses a DBB-style average-pool branch (count_include_pad) with a BN", async () => {
    const c = 3;
    const k = bn(rand, "k.bn", "k", "kb", c);
    const a = bn(rand, "avg.bn", "ap", "ab", c);
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [1, c, 5, 6] }],
      outputs: [{ name: "y" }],
      nodes: [
        { op: "Conv", inputs: ["x", "k.weight"], outputs: ["k"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
        ...k.nodes,
        {
          op: "AveragePool",
          inputs: ["x"],
          outputs: ["ap"],
          attrs: { kernel_shape: intsAttr([3, 3]), pads: intsAttr([1, 1, 1, 1]), count_include_pad: intAttr(1) },
        },
        ...a.nodes,
        { op: "Add", inputs: ["kb", "ab"], outputs: ["y"] },
      ],
      initializers: [...convWeights(rand, "k", c, c, 3), ...k.initializers, ...a.initializers],
    });
    const out = await fuseAndCompare(model, [1, c, 5, 6], ["Conv"]);
    expect(out.report.families).toEqual({ dbb: 1 });
  });

  it("turns a block without convs (identity BN + average pool) into a depthwise conv", async () => {
    const c = 3;
    const id = bn(rand, "id", "x", "i", c);
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [1, c, 4, 4] }],
      outputs: [{ name: "y" }],
      nodes: [
        ...id.nodes,
        {
          op: "AveragePool",
          inputs: ["x"],
          outputs: ["ap"],
          attrs: { kernel_shape: intsAttr([3, 3]), pads: intsAttr([1, 1, 1, 1]), count_include_pad: intAttr(1) },
        },
        { op: "Add", inputs: ["i", "ap"], outputs: ["y"] },
      ],
      initializers: id.initializers,
    });
    const out = await fuseAndCompare(model, [1, c, 4, 4], ["Conv"]);
    expect(out.model.graph!.node[0]!.attribute.find((a) => a.name === "group")!.i).toBe(BigInt(c));
  });
});
