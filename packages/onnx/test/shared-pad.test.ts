// MobileOne blocks whose kxk branches read one shared Pad node, as
// onnx-simplifier's common-subexpression pass leaves them: fused into one
// Conv (the Pad goes with the block) unless the Pad is also read elsewhere.
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
import { bn, convWeights, inputData } from "./_blocks.js";
import { convert, opTypes, relativeError, run } from "./_convert.js";

const rand = seededRandom(777);
const c = 4;
const dims = [1, c, 7, 6];
const TOLERANCE = 1e-5;

/**
 * `/m` over x: one Pad (opset 13, pads as an initializer) read by `k` 3x3
 * Conv -> BN branches, a 1x1 Conv -> BN, a BN identity, all summed by one
 * Sum, then a ReLU. `tap` adds a MaxPool that also reads the Pad (a second output).
 */
function mobileOne(k: number, tap = false, asInputs = false): ModelProto {
  const nodes: NodeSpec[] = [{ op: "Pad", name: "/m/Pad", inputs: ["x", "m.pads"], outputs: ["padded"] }];
  const initializers: InitializerSpec[] = [
    { name: "m.pads", dims: [8], data: BigInt64Array.from([0n, 0n, 1n, 1n, 0n, 0n, 1n, 1n]) },
  ];
  const leaves: string[] = [];
  const branch = (p: string, x: string, size: number) => {
    const b = bn(rand, `m.${p}.bn`, `${p}/conv`, `${p}/bn`, c, `/m/${p}/bn/BatchNormalization`);
    nodes.push(
      { op: "Conv", name: `/m/${p}/conv/Conv`, inputs: [x, `m.${p}.conv.weight`], outputs: [`${p}/conv`] },
      ...b.nodes,
    );
    initializers.push(...convWeights(rand, `m.${p}.conv`, c, c, size), ...b.initializers);
    leaves.push(`${p}/bn`);
  };
  for (let i = 0; i < k; i++) branch(`conv_kxk.${i}`, "padded", 3);
  branch("conv_scale", "x", 1);
  const id = bn(rand, "m.identity", "x", "m/identity", c, "/m/identity/BatchNormalization");
  nodes.push(
    ...id.nodes,
    { op: "Sum", name: "/m/Sum", inputs: [...leaves, "m/identity"], outputs: ["sum"] },
    { op: "Relu", name: "/m/Relu", inputs: ["sum"], outputs: ["y"] },
  );
  initializers.push(...id.initializers);
  if (tap)
    nodes.push({
      op: "MaxPool",
      name: "/tap/MaxPool",
      inputs: ["padded"],
      outputs: ["t"],
      attrs: { kernel_shape: intsAttr([3, 3]) },
    });
  const outputs = [{ name: "y" }, ...(tap ? [{ name: "t" }] : [])];
  const inputs = [
    { name: "x", dims },
    ...(asInputs
      ? initializers.map((t) => ({
          name: t.name,
          dims: t.dims,
          ...(t.name === "m.pads" ? { type: "int64" as const } : {}),
        }))
      : []),
  ];
  return buildModel({ opset: 13, inputs, outputs, nodes, initializers });
}

async function maxError(original: Uint8Array, converted: Uint8Array): Promise<number> {
  const x = {
    x: {
      data: inputData(
        rand,
        dims.reduce((a, b) => a * b, 1),
      ),
      dims,
    },
  };
  return relativeError(await run(converted, x), await run(original, x));
}

describe("a Pad shared by the kxk branches of a block", () => {
  it.each([1, 3])(
    "fuses a MobileOne block with %i kxk branches on one Pad into one Conv; the Pad and its pads go",
    async (k) => {
      const bytes = encodeModel(mobileOne(k));
      const out = await convert(bytes);
      expect(out.report.refused).toEqual([]);
      expect(out.report.fused.map((f) => [f.name, f.family, f.kernel])).toEqual([
        ["/m", k > 1 ? "mobileone" : "repvgg", "3x3"],
      ]);
      expect(opTypes(out.model)).toEqual(["Conv", "Relu"]);
      expect(out.model.graph!.node[0]!.input[0]).toBe("x");
      expect(out.model.graph!.initializer.map((t) => t.name)).not.toContain("m.pads");
      expect(await maxError(bytes, out.bytes)).toBeLessThanOrEqual(TOLERANCE);
    },
  );

  it("fuses it when the weights and pads are also graph inputs (keep_initializers_as_inputs), leaving only x", async () => {
    const bytes = encodeModel(mobileOne(2, false, true));
    const out = await convert(bytes);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu"]);
    expect(out.model.graph!.input.map((v) => v.name)).toEqual(["x"]);
    expect(await maxError(bytes, out.bytes)).toBeLessThanOrEqual(TOLERANCE);
  });

  it("refuses the block as SHARED_INTERMEDIATE when the Pad is also read outside it, and folds each Conv + BN alone", async () => {
    const model = mobileOne(2, true);
    const bytes = encodeModel(model);
    const out = await convert(bytes);
    expect(out.report.refused.map((r) => r.reason)).toEqual(["SHARED_INTERMEDIATE"]);
    expect(out.report.refused[0]!.message).toBe("tensor 'padded' inside the block is also used by '/tap/MaxPool'");
    expect(out.report.families).toEqual({ "conv-bn": 3 });
    expect(opTypes(out.model)).toEqual(["Pad", "Conv", "Conv", "Conv", "BatchNormalization", "Sum", "Relu", "MaxPool"]);
    expect(await maxError(bytes, out.bytes)).toBeLessThanOrEqual(TOLERANCE);
  });
});
