// Models exported with keep_initializers_as_inputs=True (older PyTorch, many
// model zoos; IR 3 lists every initializer among the inputs): blocks fuse by
// default and their dead weights leave the inputs too; `initializersAsInputs:
// 'inputs'` keeps them as run-time inputs and refuses those blocks, never silently.
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  buildModel,
  encodeModel,
  intsAttr,
  type InitializerSpec,
  type ModelProto,
  type NodeSpec,
} from "../src/index.js";
import { convWeights, inputData, repvggBlock } from "./_blocks.js";
import { convert, opTypes, relativeError, run } from "./_convert.js";

const rand = seededRandom(4242);
const c = 4;
const dims = [1, c, 6, 6];
const TOLERANCE = 1e-5;

/**
 * Two RepVGG blocks, a ReLU after each, and a 3x3 head conv that no block
 * holds; the initializers named by `asInputs` are also graph inputs.
 */
function twoBlocks(asInputs: (t: InitializerSpec) => boolean, opset = 13, irVersion?: number): ModelProto {
  const b0 = repvggBlock(rand, 0, "x", "a0", c);
  const b1 = repvggBlock(rand, 1, "r0", "a1", c);
  const nodes: NodeSpec[] = [
    ...b0.nodes,
    { op: "Relu", name: "/blocks.0/act/Relu", inputs: ["a0"], outputs: ["r0"] },
    ...b1.nodes,
    { op: "Relu", name: "/blocks.1/act/Relu", inputs: ["a1"], outputs: ["r1"] },
    {
      op: "Conv",
      name: "/head/Conv",
      inputs: ["r1", "head.weight", "head.bias"],
      outputs: ["y"],
      attrs: { pads: intsAttr([1, 1, 1, 1]) },
    },
  ];
  const initializers = [...b0.initializers, ...b1.initializers, ...convWeights(rand, "head", 2, c, 3, 3, true)];
  const inputs = [{ name: "x", dims }, ...initializers.filter(asInputs).map((t) => ({ name: t.name, dims: t.dims }))];
  return buildModel({
    opset,
    inputs,
    outputs: [{ name: "y" }],
    nodes,
    initializers,
    ...(irVersion === undefined ? {} : { irVersion }),
  });
}

async function maxError(original: Uint8Array, converted: Uint8Array): Promise<number> {
  const x = { x: { data: inputData(rand, 144), dims } };
  return relativeError(await run(converted, x), await run(original, x));
}

const inputNames = (m: ModelProto) => m.graph!.input.map((v) => v.name);
const all = () => true;

describe("initializers that are also graph inputs", () => {
  it("fuses the blocks by default, drops their dead weights from the inputs, keeps the untouched ones bit for bit, and says so", async () => {
    const model = twoBlocks(all);
    const bytes = encodeModel(model);
    const out = await convert(bytes);
    expect(out.report.fused.map((f) => f.name)).toEqual(["/blocks.0", "/blocks.1"]);
    expect(out.report.refused).toEqual([]);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu", "Conv", "Relu", "Conv"]);
    expect(inputNames(out.model)).toEqual(["x", "head.weight", "head.bias"]);
    const g = out.model.graph!;
    for (const name of ["head.weight", "head.bias"]) {
      expect(g.input.find((v) => v.name === name)).toEqual(model.graph!.input.find((v) => v.name === name));
      expect(g.initializer.find((t) => t.name === name)!.rawData).toEqual(
        model.graph!.initializer.find((t) => t.name === name)!.rawData,
      );
    }
    expect(g.initializer.map((t) => t.name)).toEqual([
      "head.weight",
      "head.bias",
      "blocks.0.rbr_reparam.weight",
      "blocks.0.rbr_reparam.bias",
      "blocks.1.rbr_reparam.weight",
      "blocks.1.rbr_reparam.bias",
    ]);
    expect(out.report.notes).toContain(
      "30 initializers that were also graph inputs were treated as constants (keep_initializers_as_inputs); 28 that fused blocks no longer read were removed from the inputs as well; pass initializersAsInputs: 'inputs' (CLI --keep-weight-inputs) to treat them as run-time inputs instead",
    );
    expect(await maxError(bytes, out.bytes)).toBeLessThanOrEqual(TOLERANCE);
  });

  it("refuses the blocks that read them (NON_CONSTANT_WEIGHTS) with initializersAsInputs 'inputs', and fuses the others", async () => {
    const model = twoBlocks((t) => t.name.startsWith("blocks.1."));
    const bytes = encodeModel(model);
    const out = await convert(bytes, { initializersAsInputs: "inputs" });
    expect(out.report.fused.map((f) => f.name)).toEqual(["/blocks.0"]);
    expect(out.report.refused.map((r) => [r.block, r.reason])).toEqual([["/blocks.1", "NON_CONSTANT_WEIGHTS"]]);
    expect(out.report.refused[0]!.message).toBe(
      "its weights 'blocks.1.rbr_1x1.bn.bias', 'blocks.1.rbr_1x1.bn.running_mean', 'blocks.1.rbr_1x1.bn.running_var' and 11 more are also graph inputs, which a caller may replace at run time, and initializersAsInputs is 'inputs' (CLI --keep-weight-inputs); convert without it to fuse them as constants",
    );
    expect(out.report.notes).toContain(
      "14 initializers that were also graph inputs were kept as run-time inputs (initializersAsInputs: 'inputs', CLI --keep-weight-inputs): blocks that read any of them are refused (NON_CONSTANT_WEIGHTS)",
    );
    expect(inputNames(out.model)).toEqual(inputNames(model));
    for (const t of model.graph!.initializer.filter((i) => i.name.startsWith("blocks.1."))) {
      expect(out.model.graph!.initializer.find((i) => i.name === t.name)!.rawData).toEqual(t.rawData);
    }
    expect(opTypes(out.model).filter((o) => o === "BatchNormalization")).toHaveLength(3); // block 1 as it was
    expect(await maxError(bytes, out.bytes)).toBeLessThanOrEqual(TOLERANCE);
  });

  it("leaves a model with nothing fused byte-identical either way", async () => {
    const bytes = encodeModel(twoBlocks(all));
    const inputs = await convert(bytes, { initializersAsInputs: "inputs" });
    expect(inputs.report.fused).toEqual([]);
    expect(inputs.report.refused.map((r) => r.reason)).toEqual(["NON_CONSTANT_WEIGHTS", "NON_CONSTANT_WEIGHTS"]);
    expect(inputs.bytes).toEqual(bytes);
    const skipped = await convert(bytes, { exclude: ["*"] });
    expect(skipped.bytes).toEqual(bytes);
  });

  it("fuses an IR 3 model (every initializer an input): the fused weights join the inputs, the dead ones leave", async () => {
    const model = twoBlocks(all, 8, 3);
    const bytes = encodeModel(model);
    const out = await convert(bytes);
    expect(out.report.fused).toHaveLength(2);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu", "Conv", "Relu", "Conv"]);
    expect(inputNames(out.model)).toEqual([
      "x",
      "head.weight",
      "head.bias",
      "blocks.0.rbr_reparam.weight",
      "blocks.0.rbr_reparam.bias",
      "blocks.1.rbr_reparam.weight",
      "blocks.1.rbr_reparam.bias",
    ]);
    expect(await maxError(bytes, out.bytes)).toBeLessThanOrEqual(TOLERANCE);
  });

  it("rejects an initializersAsInputs that is neither 'constants' nor 'inputs'", async () => {
    await expect(convert(twoBlocks(all), { initializersAsInputs: "yes" })).rejects.toMatchObject({
      code: "ONNX_BAD_OPTION",
    });
  });
});
