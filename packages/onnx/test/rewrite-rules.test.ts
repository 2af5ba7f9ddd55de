import { reparameterize } from "@reparam/core";
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { buildModel, decodeModel, encodeModel, intsAttr, onnxAdapter, type ModelProto } from "../src/index.js";
import { bn, convWeights, inputData, repvggBlock } from "./_blocks.js";
import { convert, memoryInput, memoryOutput, opTypes, relativeError, run } from "./_convert.js";

const rand = seededRandom(99);
const c = 4;
const dims = [1, c, 6, 6];

/** Two unfolded RepVGG blocks with a ReLU after each, the second one a graph output. */
function twoBlocks(): ModelProto {
  const b0 = repvggBlock(rand, 0, "x", "a0", c);
  const b1 = repvggBlock(rand, 1, "r0", "a1", c);
  return buildModel({
    opset: 13,
    inputs: [{ name: "x", dims }],
    outputs: [{ name: "y" }],
    nodes: [
      ...b0.nodes,
      { op: "Relu", name: "/blocks.0/act/Relu", inputs: ["a0"], outputs: ["r0"] },
      ...b1.nodes,
      { op: "Relu", name: "/blocks.1/act/Relu", inputs: ["a1"], outputs: ["y"] },
    ],
    initializers: [...b0.initializers, ...b1.initializers],
  });
}

async function sameOutputs(a: Uint8Array, b: Uint8Array): Promise<number> {
  const x = { x: { data: inputData(rand, 144), dims } };
  return relativeError(await run(b, x), await run(a, x));
}

describe("the rewrite", () => {
  it("names the fused conv after the block, as the family's deploy code does, and keeps graph output names", async () => {
    const model = twoBlocks();
    const out = await convert(model);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu", "Conv", "Relu"]);
    const g = out.model.graph!;
    expect(g.node.map((n) => n.name)).toEqual([
      "/blocks.0/rbr_reparam/Conv",
      "/blocks.0/act/Relu",
      "/blocks.1/rbr_reparam/Conv",
      "/blocks.1/act/Relu",
    ]);
    expect(g.initializer.map((t) => t.name)).toEqual([
      "blocks.0.rbr_reparam.weight",
      "blocks.0.rbr_reparam.bias",
      "blocks.1.rbr_reparam.weight",
      "blocks.1.rbr_reparam.bias",
    ]);
    expect(g.node[0]!.input).toEqual(["x", "blocks.0.rbr_reparam.weight", "blocks.0.rbr_reparam.bias"]);
    expect(g.node[0]!.output).toEqual(["a0"]);
    expect(g.output.map((v) => v.name)).toEqual(["y"]);
    expect(await sameOutputs(encodeModel(model), out.bytes)).toBeLessThanOrEqual(1e-5);
  });

  it("folds a lone Conv -> BN, named after the conv, and leaves the residual add of a non-linear path alone", async () => {
    const b = bn(rand, "layer.bn", "/layer/conv/Conv_output_0", "n", c, "/layer/bn/BatchNormalization");
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims }],
      outputs: [{ name: "y" }],
      nodes: [
        {
          op: "Conv",
          name: "/layer/conv/Conv",
          inputs: ["x", "layer.conv.weight"],
          outputs: ["/layer/conv/Conv_output_0"],
          attrs: { pads: intsAttr([1, 1, 1, 1]) },
        },
        ...b.nodes,
        { op: "Relu", inputs: ["n"], outputs: ["r"] },
        { op: "Add", inputs: ["r", "x"], outputs: ["y"] },
      ],
      initializers: [...convWeights(rand, "layer.conv", c, c, 3), ...b.initializers],
    });
    const out = await convert(model);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu", "Add"]);
    expect(out.report.families).toEqual({ "conv-bn": 1 });
    expect(out.model.graph!.node[0]!.name).toBe("/layer/conv/Conv");
    expect(out.model.graph!.node[0]!.input).toEqual(["x", "layer.conv.weight", "layer.conv.bias"]);
    expect(await sameOutputs(encodeModel(model), out.bytes)).toBeLessThanOrEqual(1e-5);
  });

  it("refuses a block whose branch output is also a graph output, and leaves the model byte-identical", async () => {
    const id = bn(rand, "b.id", "x", "i", c);
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims }],
      outputs: [{ name: "y" }, { name: "c1" }],
      nodes: [
        { op: "Conv", inputs: ["x", "k3.weight", "k3.bias"], outputs: ["c3"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
        { op: "Conv", inputs: ["x", "k1.weight", "k1.bias"], outputs: ["c1"] },
        ...id.nodes,
        { op: "Add", inputs: ["c3", "c1"], outputs: ["s"] },
        { op: "Add", inputs: ["s", "i"], outputs: ["y"] },
      ],
      initializers: [
        ...convWeights(rand, "k3", c, c, 3, 3, true),
        ...convWeights(rand, "k1", c, c, 1, 1, true),
        ...id.initializers,
      ],
    });
    const bytes = encodeModel(model);
    const out = await convert(bytes);
    expect(out.report.fused).toEqual([]);
    expect(out.report.refused).toHaveLength(1);
    expect(out.report.refused[0]!.reason).toBe("SHARED_INTERMEDIATE");
    expect(out.report.refused[0]!.message).toContain("'c1'");
    expect(out.bytes).toEqual(bytes);
  });

  it("keeps a kernel shared with a conv outside the block, never changing it", async () => {
    const model = buildModel({
      opset: 13,
      inputs: [{ name: "x", dims }],
      outputs: [{ name: "y" }],
      nodes: [
        { op: "Conv", inputs: ["x", "k3.weight"], outputs: ["c3"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
        { op: "Conv", inputs: ["x", "k1.weight", "k1.bias"], outputs: ["c1"] },
        { op: "Add", inputs: ["c3", "c1"], outputs: ["s"] },
        { op: "Relu", inputs: ["s"], outputs: ["r"] },
        { op: "Conv", inputs: ["r", "k3.weight"], outputs: ["y"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
      ],
      initializers: [...convWeights(rand, "k3", c, c, 3), ...convWeights(rand, "k1", c, c, 1, 1, true)],
    });
    const bytes = encodeModel(model);
    const out = await convert(bytes);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu", "Conv"]);
    const names = out.model.graph!.initializer.map((t) => t.name);
    expect(names).toContain("k3.weight");
    expect(names).not.toContain("k1.weight");
    expect(out.model.graph!.node[2]!.input).toEqual(["r", "k3.weight"]);
    expect(out.model.graph!.initializer.find((t) => t.name === "k3.weight")!.rawData).toEqual(
      model.graph!.initializer[0]!.rawData,
    );
    expect(await sameOutputs(bytes, out.bytes)).toBeLessThanOrEqual(1e-5);
  });

  it("drops value_info of removed tensors, keeps the rest, and keeps nodes in topological order", async () => {
    const model = twoBlocks();
    const withInfo = buildModel({
      opset: 13,
      inputs: [],
      outputs: model.graph!.node.map((n) => ({ name: n.output[0]!, dims })),
      nodes: [],
    });
    model.graph!.valueInfo = withInfo.graph!.output;
    model.graph!.node.reverse(); // any valid order is accepted
    const out = await convert(model);
    expect(out.model.graph!.valueInfo.map((v) => v.name)).toEqual(["a0", "r0", "a1", "y"]);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu", "Conv", "Relu"]);
  });

  it("honours exclude and only, and a converted model converts to itself", async () => {
    const excluded = await convert(twoBlocks(), { exclude: ["*blocks.1*"] });
    expect(excluded.report.skipped.map((s) => s.name)).toEqual(["/blocks.1"]);
    expect(opTypes(excluded.model).filter((o) => o === "BatchNormalization")).toHaveLength(3);
    const bnOnly = await convert(twoBlocks(), { only: "bn" });
    expect(bnOnly.report.fused).toEqual([]);
    const again = await convert(excluded.bytes, { exclude: ["*blocks.1*"] });
    expect(again.bytes).toEqual(excluded.bytes);
    const once = await convert(twoBlocks());
    const twice = await convert(once.bytes);
    expect(twice.report.blocksFound).toBe(0);
    expect(twice.bytes).toEqual(once.bytes);
    expect(decodeModel(twice.bytes).graph!.node).toHaveLength(4);
  });

  it("reports opset, IR version, producer and dtype", async () => {
    const out = await convert(twoBlocks());
    expect(out.report.details).toEqual({
      opset: "13",
      ir_version: "7",
      producer: "reparam",
      dtype: "float32",
      external_data: "no",
    });
    expect(out.report.parameters.after).toBeLessThan(out.report.parameters.before);
  });

  it("refuses a dtype option it cannot apply (ONNX_BAD_OPTION naming the block), writing nothing", async () => {
    const output = memoryOutput();
    const e = await reparameterize(onnxAdapter, memoryInput("m.onnx", encodeModel(twoBlocks())), output, {
      dtype: "f16",
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "ONNX_BAD_OPTION", message: expect.stringContaining("dtype 'f16'") });
    expect(String(e)).toContain("block '");
    expect(output.created).toEqual([]);
    // The dtype the model has is accepted.
    expect((await convert(twoBlocks(), { dtype: "f32" })).report.fused.length).toBeGreaterThan(0);
  });
});
