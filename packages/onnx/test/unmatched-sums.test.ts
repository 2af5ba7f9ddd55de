// Sums that look like blocks but cannot be fused show up in the report as
// refused, with a reason; plain residual adds do not show up at all.
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { buildModel, encodeModel, intsAttr, type NodeSpec } from "../src/index.js";
import { bn, convWeights, inputData } from "./_blocks.js";
import { convert, opTypes, relativeError, run } from "./_convert.js";

const rand = seededRandom(515);
const c = 3;
const dims = [1, c, 5, 5];

/** Conv (k x k, same pads) -> BN over `x` writing `<p>/bn`. */
function convBn(p: string, x: string, k: number) {
  const b = bn(rand, `${p}.bn`, `${p}/conv`, `${p}/bn`, c, `/${p}/bn/BatchNormalization`);
  const h = k >> 1;
  const nodes: NodeSpec[] = [
    {
      op: "Conv",
      name: `/${p}/conv/Conv`,
      inputs: [x, `${p}.conv.weight`],
      outputs: [`${p}/conv`],
      attrs: { pads: intsAttr([h, h, h, h]) },
    },
    ...b.nodes,
  ];
  return { nodes, initializers: [...convWeights(rand, `${p}.conv`, c, c, k), ...b.initializers] };
}

async function check(nodes: NodeSpec[], initializers: ReturnType<typeof convBn>["initializers"]) {
  const bytes = encodeModel(
    buildModel({ opset: 13, inputs: [{ name: "x", dims }], outputs: [{ name: "y" }], nodes, initializers }),
  );
  const out = await convert(bytes);
  const x = { x: { data: inputData(rand, 75), dims } };
  expect(relativeError(await run(out.bytes, x), await run(bytes, x))).toBeLessThanOrEqual(1e-5);
  return out;
}

describe("sums the ONNX adapter does not fuse", () => {
  it("reports a RepVGG-like sum with a branch through a Relu as NON_LINEAR_BRANCH, and still folds each conv + BN", async () => {
    const a = convBn("b.dense", "x", 3);
    const o = convBn("b.one", "x", 1);
    const nodes: NodeSpec[] = [
      ...a.nodes,
      ...o.nodes,
      { op: "Relu", name: "/b/act/Relu", inputs: ["x"], outputs: ["r"] },
      { op: "Sum", name: "/b/Sum", inputs: ["b.dense/bn", "b.one/bn", "r"], outputs: ["y"] },
    ];
    const out = await check(nodes, [...a.initializers, ...o.initializers]);
    expect(out.report.refused.map((r) => [r.block, r.reason])).toEqual([["/b/Sum", "NON_LINEAR_BRANCH"]]);
    expect(out.report.refused[0]!.message).toContain("'/b/act/Relu'");
    expect(out.report.families).toEqual({ "conv-bn": 2 });
    expect(out.report.blocksFound).toBe(3);
  });

  it("reports a sum of convs where one branch stacks two padded 3x3 convs as SEQUENTIAL_BORDER", async () => {
    const a = convBn("b.a", "x", 3);
    const one = convBn("b.one", "x", 1);
    const nodes: NodeSpec[] = [
      ...a.nodes,
      {
        op: "Conv",
        name: "/b/b/Conv",
        inputs: ["b.a/bn", "b.b.weight"],
        outputs: ["bb"],
        attrs: { pads: intsAttr([1, 1, 1, 1]) },
      },
      ...one.nodes,
      { op: "Add", name: "/b/Add", inputs: ["bb", "b.one/bn"], outputs: ["y"] },
    ];
    const out = await check(nodes, [...a.initializers, ...convWeights(rand, "b.b", c, c, 3), ...one.initializers]);
    // Linear, but one conv over x would see the first conv over the image's edge where the second reads zeros.
    expect(out.report.refused.map((r) => r.reason)).toEqual(["SEQUENTIAL_BORDER"]);
    expect(out.report.refused[0]!.message).toContain(
      "chain '/b.a/conv/Conv' -> '/b/b/Conv': the start of the height border",
    );
  });

  it("does not report ResNet's residual add over conv-BN-ReLU-conv-BN", async () => {
    const c1 = convBn("l.c1", "x", 3);
    const c2 = convBn("l.c2", "r1", 3);
    const nodes: NodeSpec[] = [
      ...c1.nodes,
      { op: "Relu", inputs: ["l.c1/bn"], outputs: ["r1"] },
      ...c2.nodes,
      { op: "Add", inputs: ["l.c2/bn", "x"], outputs: ["s"] },
      { op: "Relu", inputs: ["s"], outputs: ["y"] },
    ];
    const out = await check(nodes, [...c1.initializers, ...c2.initializers]);
    expect(out.report.refused).toEqual([]);
    expect(opTypes(out.model)).toEqual(["Conv", "Relu", "Conv", "Add", "Relu"]);
  });
});
