// Dilated linear regions through the ONNX adapter: a chain whose wide conv is dilated keeps its dilation
// (one cheap conv instead of a wider one with zeros between the taps), and a sum whose branches dilate
// differently, a 1x1 -> BNAndPad -> dilated 3x3 (DBB's sequence) among them, fuses into one conv on the gcd of
// their tap steps. Each conversion runs on onnxruntime against the original at two input sizes (borders included).
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { intsAttr, makeTensor, tensorAttr, TensorProto_DataType as DT, type NodeSpec } from "../src/index.js";
import { bn, convWeights } from "./_blocks.js";
import { opTypes } from "./_convert.js";
import { checkGraph } from "./_conv-graphs.js";

const rand = seededRandom(2323);
const c = 4;

/** A Conv node with pads [t, l, b, r] and dilations [dh, dw]; bias `b` when given. */
const conv = (x: string, w: string, out: string, pads: number[], dil: number[], b?: string): NodeSpec => ({
  op: "Conv",
  inputs: b === undefined ? [x, w] : [x, w, b],
  outputs: [out],
  attrs: { pads: intsAttr(pads), dilations: intsAttr(dil) },
});

const ints = (node: { attribute: { name: string; ints: bigint[] }[] }, name: string) =>
  node.attribute.find((a) => a.name === name)?.ints.map(Number);

describe("dilated regions through the ONNX adapter", () => {
  it("collapses a 1x3 at dilation 2 then a biased 1x1 into one 1x3 at dilation 2 (a 1x5 would cost more than the chain)", async () => {
    const out = await checkGraph(
      [
        conv("x", "a.weight", "t", [0, 2, 0, 2], [1, 2], "a.bias"),
        conv("t", "b.weight", "y", [0, 0, 0, 0], [1, 1], "b.bias"),
      ],
      [...convWeights(rand, "a", c, c, 1, 3, true), ...convWeights(rand, "b", c, c, 1, 1, true)],
      c,
      rand,
    );
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.report.fused.map((f) => f.family)).toEqual(["conv-chain"]);
    const node = out.model.graph!.node[0]!;
    expect([ints(node, "dilations"), ints(node, "pads")]).toEqual([
      [1, 2],
      [0, 2, 0, 2],
    ]);
    expect(out.model.graph!.initializer.find((t) => t.name === node.input[1])!.dims.map(Number)).toEqual([c, c, 1, 3]);
  });

  it("fuses a 3x3 at dilation 3 and an unbiased 1x1 -> BNAndPad -> 3x3 at dilation 2 (DBB's sequence) into one 7x7 conv", async () => {
    const pads = makeTensor(
      "",
      [8],
      DT.INT64,
      new Uint8Array(BigInt64Array.from([0, 0, 2, 2, 0, 0, 2, 2].map(BigInt)).buffer),
    );
    const bn1 = bn(rand, "seq.bn1", "seq/pad", "seq/padded", c);
    const bn2 = bn(rand, "seq.bn2", "seq/k", "seq/out", c);
    const bn0 = bn(rand, "d3.bn", "d3", "d3/out", c);
    const nodes: NodeSpec[] = [
      conv("x", "d3.weight", "d3", [3, 3, 3, 3], [3, 3]),
      ...bn0.nodes,
      conv("x", "seq.first.weight", "seq/first", [0, 0, 0, 0], [1, 1]),
      { op: "Constant", inputs: [], outputs: ["seq/pads"], attrs: { value: tensorAttr(pads) } },
      { op: "Pad", inputs: ["seq/first", "seq/pads"], outputs: ["seq/pad"] },
      ...bn1.nodes,
      conv("seq/padded", "seq.second.weight", "seq/k", [0, 0, 0, 0], [2, 2]),
      ...bn2.nodes,
      { op: "Add", inputs: ["d3/out", "seq/out"], outputs: ["y"] },
    ];
    const out = await checkGraph(
      nodes,
      [
        ...convWeights(rand, "d3", c, c, 3),
        ...bn0.initializers,
        ...convWeights(rand, "seq.first", c, c, 1),
        ...bn1.initializers,
        ...convWeights(rand, "seq.second", c, c, 3),
        ...bn2.initializers,
      ],
      c,
      rand,
    );
    expect(out.report.refused).toEqual([]);
    expect(opTypes(out.model)).toEqual(["Conv"]);
    const node = out.model.graph!.node[0]!;
    expect(ints(node, "dilations") ?? [1, 1]).toEqual([1, 1]);
    expect(ints(node, "pads")).toEqual([3, 3, 3, 3]);
    expect(out.model.graph!.initializer.find((t) => t.name === node.input[1])!.dims.map(Number)).toEqual([c, c, 7, 7]);
  });
});
