// DBB blocks as an unfolded PyTorch export writes them (BNAndPad as Pad -> BatchNormalization, idconv1's kernel
// as Add(weight, Constant identity)): one Conv per block, and onnxruntime gives the same output.
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  buildModel,
  encodeModel,
  intAttr,
  intsAttr,
  makeTensor,
  tensorAttr,
  TensorProto_DataType as DT,
  type InitializerSpec,
  type ModelProto,
  type NodeSpec,
} from "../src/index.js";
import { bn, convWeights, inputData } from "./_blocks.js";
import { convert, opTypes, relativeError, run } from "./_convert.js";

/** float32 runtimes on both sides (the fused weights themselves are the float64 result rounded once). */
const TOLERANCE = 1e-5;
const rand = seededRandom(77);
const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

interface Part {
  nodes: NodeSpec[];
  initializers: InitializerSpec[];
}

/** Pad (pads from a Constant, opset 13 input form) then BatchNormalization: DBB's BNAndPad. */
function bnAndPad(p: string, x: string, out: string, c: number, pad: number): Part {
  const pads = makeTensor(
    "",
    [8],
    DT.INT64,
    new Uint8Array(BigInt64Array.from([0, 0, pad, pad, 0, 0, pad, pad].map(BigInt)).buffer),
  );
  const norm = bn(rand, `${p}.bn`, `${p}/pad`, out, c);
  return {
    nodes: [
      { op: "Constant", name: `${p}/Constant`, inputs: [], outputs: [`${p}/pads`], attrs: { value: tensorAttr(pads) } },
      { op: "Pad", name: `${p}/Pad`, inputs: [x, `${p}/pads`], outputs: [`${p}/pad`] },
      ...norm.nodes,
    ],
    initializers: norm.initializers,
  };
}

/** A DiverseBranchBlock `b` over `x` writing `out` (before the ReLU): dbb_origin, dbb_1x1, dbb_avg, dbb_1x1_kxk with idconv1. */
function dbbBlock(x: string, out: string, c: number, o: number, stride: number, identityConst = true): Part {
  const s = intsAttr([stride, stride]);
  const parts: Part[] = [];
  const leaf = (p: Part, y: string) => (parts.push(p), y);
  const origin = bn(rand, "b.origin.bn", "origin", "origin_bn", o);
  const one = bn(rand, "b.1x1.bn", "one", "one_bn", o);
  const avgbn = bn(rand, "b.avg.avgbn", "pool", "avg_bn", o);
  const bn2 = bn(rand, "b.kxk.bn2", "conv2", "kxk_bn", o);
  const eye = new Float32Array(c * c);
  for (let i = 0; i < c; i++) eye[i * c + i] = 1;
  const idWeight: NodeSpec = identityConst
    ? {
        op: "Constant",
        inputs: [],
        outputs: ["eye"],
        attrs: { value: tensorAttr(makeTensor("", [c, c, 1, 1], DT.FLOAT, bytes(eye))) },
      }
    : { op: "Identity", inputs: ["eye_in"], outputs: ["eye"] };
  const leaves = [
    leaf(
      {
        nodes: [
          {
            op: "Conv",
            inputs: [x, "b.origin.conv.weight"],
            outputs: ["origin"],
            attrs: { pads: intsAttr([1, 1, 1, 1]), strides: s },
          },
          ...origin.nodes,
        ],
        initializers: [...convWeights(rand, "b.origin.conv", o, c, 3), ...origin.initializers],
      },
      "origin_bn",
    ),
    leaf(
      {
        nodes: [
          { op: "Conv", inputs: [x, "b.1x1.conv.weight"], outputs: ["one"], attrs: { strides: s } },
          ...one.nodes,
        ],
        initializers: [...convWeights(rand, "b.1x1.conv", o, c, 1), ...one.initializers],
      },
      "one_bn",
    ),
    leaf(
      (() => {
        const bp = bnAndPad("b.avg.bn", "avg_conv", "avg_padded", o, 1);
        const pool: NodeSpec = {
          op: "AveragePool",
          inputs: ["avg_padded"],
          outputs: ["pool"],
          attrs: {
            kernel_shape: intsAttr([3, 3]),
            strides: s,
            pads: intsAttr([0, 0, 0, 0]),
            count_include_pad: intAttr(1),
            ceil_mode: intAttr(0),
          },
        };
        return {
          nodes: [
            { op: "Conv", inputs: [x, "b.avg.conv.weight"], outputs: ["avg_conv"] },
            ...bp.nodes,
            pool,
            ...avgbn.nodes,
          ],
          initializers: [...convWeights(rand, "b.avg.conv", o, c, 1), ...bp.initializers, ...avgbn.initializers],
        };
      })(),
      "avg_bn",
    ),
    leaf(
      (() => {
        const bp = bnAndPad("b.kxk.bn1", "idconv1", "kxk_padded", c, 1);
        const nodes: NodeSpec[] = [
          idWeight,
          { op: "Add", name: "/b/idconv1/Add", inputs: ["b.kxk.idconv1.weight", "eye"], outputs: ["idconv1_kernel"] },
          { op: "Conv", inputs: [x, "idconv1_kernel"], outputs: ["idconv1"] },
          ...bp.nodes,
          { op: "Conv", inputs: ["kxk_padded", "b.kxk.conv2.weight"], outputs: ["conv2"], attrs: { strides: s } },
          ...bn2.nodes,
        ];
        return {
          nodes,
          initializers: [
            ...convWeights(rand, "b.kxk.idconv1", c, c, 1),
            ...bp.initializers,
            ...convWeights(rand, "b.kxk.conv2", o, c, 3),
            ...bn2.initializers,
          ],
        };
      })(),
      "kxk_bn",
    ),
  ];
  const adds: NodeSpec[] = [
    { op: "Add", inputs: [leaves[0]!, leaves[1]!], outputs: ["add0"] },
    { op: "Add", inputs: ["add0", leaves[2]!], outputs: ["add1"] },
    { op: "Add", inputs: ["add1", leaves[3]!], outputs: [out] },
  ];
  return { nodes: [...parts.flatMap((p) => p.nodes), ...adds], initializers: parts.flatMap((p) => p.initializers) };
}

function dbbModel(
  c: number,
  o: number,
  stride: number,
  size: number,
  extra: { outputs?: string[]; identityConst?: boolean } = {},
): ModelProto {
  const b = dbbBlock("x", "sum", c, o, stride, extra.identityConst);
  const eyeInput = extra.identityConst === false ? [{ name: "eye_in", dims: [c, c, 1, 1] }] : [];
  return buildModel({
    opset: 13,
    inputs: [{ name: "x", dims: [1, c, size, size] }, ...eyeInput],
    outputs: [{ name: "y" }, ...(extra.outputs ?? []).map((name) => ({ name }))],
    nodes: [...b.nodes, { op: "Relu", inputs: ["sum"], outputs: ["y"] }],
    initializers: b.initializers,
  });
}

async function compare(
  model: ModelProto,
  dims: number[],
  feeds: Record<string, { data: Float32Array; dims: number[] }> = {},
) {
  const x = {
    x: {
      data: inputData(
        rand,
        dims.reduce((a, b) => a * b),
      ),
      dims,
    },
    ...feeds,
  };
  const out = await convert(model);
  const err = relativeError(await run(out.bytes, x), await run(encodeModel(model), x));
  expect(err).toBeLessThanOrEqual(TOLERANCE);
  return out;
}

describe("DBB blocks in ONNX", () => {
  it.each([
    [4, 4, 1, 6],
    [3, 5, 2, 8],
    [3, 5, 2, 7],
  ])(
    "%i -> %i channels, stride %i, %i px: fuses to one Conv, the Pads, Constants and the Add of idconv1 gone",
    async (c, o, stride, size) => {
      const out = await compare(dbbModel(c, o, stride, size), [1, c, size, size]);
      expect(out.report.refused).toEqual([]);
      expect(out.report.families).toEqual({ dbb: 1 });
      expect(opTypes(out.model)).toEqual(["Conv", "Relu"]);
      const conv = out.model.graph!.node[0]!;
      expect(conv.attribute.find((a) => a.name === "pads")!.ints).toEqual([1n, 1n, 1n, 1n]);
      expect(out.model.graph!.initializer.map((t) => t.name)).toEqual(conv.input.slice(1));
    },
  );

  it("does not read an Add with a graph input as a kernel: that branch stays, the sum of the others fuses", async () => {
    const eye = Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    const out = await compare(dbbModel(3, 3, 1, 5, { identityConst: false }), [1, 3, 5, 5], {
      eye_in: { data: eye, dims: [3, 3, 1, 1] },
    });
    // The 1x1 -> kxk branch reads its kernel from the graph input: its Add and Conv stay as they are.
    const idconv = out.model.graph!.node.find((n) => n.opType === "Conv" && n.input[1] === "idconv1_kernel");
    expect(idconv).toBeDefined();
    expect(opTypes(out.model)).toContain("Add");
    // What is left fused is the inner sum of dbb_origin and dbb_1x1 (exact on its own), not the whole block.
    expect(out.report.fused.every((f) => f.branches.length < 4)).toBe(true);
  });

  it("refuses a block whose BNAndPad output is also a model output", async () => {
    const model = dbbModel(3, 3, 1, 5, { outputs: ["kxk_padded"] });
    const out = await compare(model, [1, 3, 5, 5]);
    expect(out.report.refused.map((r) => r.reason)).toEqual(["SHARED_INTERMEDIATE"]);
    expect(out.report.families.dbb).toBeUndefined();
    expect(opTypes(out.model)).toContain("Pad");
  });
});
