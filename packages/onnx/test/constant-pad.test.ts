// Pad nodes with a non-zero constant_value between two convs: a frame that the chain collapses through
// when it holds the first conv's zero response (its bias) in every channel; left as it is otherwise.
// Each conversion runs against the original on onnxruntime at two input sizes (see checkGraph).
import { seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import {
  stringAttr,
  tensorAttr,
  makeTensor,
  TensorProto_DataType as DT,
  type InitializerSpec,
  type NodeSpec,
} from "../src/index.js";
import { convWeights } from "./_blocks.js";
import { opTypes } from "./_convert.js";
import { checkGraph, convNode as conv } from "./_conv-graphs.js";

const rand = seededRandom(2323);
const c = 5;
const B = Math.fround(0.3);

const pads: InitializerSpec = { name: "pads", dims: [8], data: BigInt64Array.from([0, 0, 1, 1, 0, 0, 1, 1], BigInt) };
const scalar = (name: string, v: number): InitializerSpec => ({ name, dims: [], data: Float32Array.from([v]) });
/** The 1x1's weights with bias B in every channel, and the 3x3's. */
const weights = (): InitializerSpec[] => [
  ...convWeights(rand, "a", c, c, 1, 1),
  { name: "a.bias", dims: [c], data: new Float32Array(c).fill(B) },
  ...convWeights(rand, "b", c, c, 3, 3, true),
];
/** x -> 1x1 (+ B) -> Pad(1, `fill`, `mode`) -> 3x3 (+ bias) -> y. */
const chain = (fill: string, mode = "constant"): NodeSpec[] => [
  conv("/a/Conv", "x", "a.weight", "t", 0, 1, "a.bias"),
  { op: "Pad", name: "/pad", inputs: ["t", "pads", fill], outputs: ["p"], attrs: { mode: stringAttr(mode) } },
  conv("/b/Conv", "p", "b.weight", "y", 0, 1, "b.bias"),
];

describe("constant Pad nodes between convs, through the ONNX adapter", () => {
  it("collapses 1x1 (+ b) -> Pad(constant_value b) -> 3x3 into one conv (conv-chain)", async () => {
    const out = await checkGraph(chain("fill"), [...weights(), pads, scalar("fill", B)], c, rand);
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.report.fused.map((f) => [f.family, f.kernel])).toEqual([["conv-chain", "3x3"]]);
  });

  it("collapses a sum of a 3x3 and that chain, its constant_value given by a Constant node", async () => {
    const fill = makeTensor("fill", [], DT.FLOAT, new Uint8Array(Float32Array.from([B]).buffer));
    const nodes: NodeSpec[] = [
      conv("/k/Conv", "x", "k.weight", "k", 1, 1, "k.bias"),
      conv("/a/Conv", "x", "a.weight", "t", 0, 1, "a.bias"),
      { op: "Constant", inputs: [], outputs: ["fill"], attrs: { value: tensorAttr(fill) } },
      { op: "Pad", inputs: ["t", "pads", "fill"], outputs: ["p"] },
      conv("/b/Conv", "p", "b.weight", "s", 0, 1, "b.bias"),
      { op: "Add", inputs: ["k", "s"], outputs: ["y"] },
    ];
    const out = await checkGraph(nodes, [...weights(), ...convWeights(rand, "k", c, c, 3, 3, true), pads], c, rand);
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.report.refused).toEqual([]);
  });

  it("keeps a Pad whose constant_value is not the 1x1's bias, without a refusal (a lone chain is no declared block)", async () => {
    const out = await checkGraph(chain("fill"), [...weights(), pads, scalar("fill", 0.7)], c, rand);
    expect(opTypes(out.model)).toEqual(["Conv", "Pad", "Conv"]);
    expect(out.report.refused).toEqual([]);
  });

  it("fuses a sum over x * s + t whose 3x3 branch reads Pad(constant_value t) and whose 1x1 reads the affine itself", async () => {
    const nodes: NodeSpec[] = [
      { op: "Mul", inputs: ["x", "s"], outputs: ["xs"] },
      { op: "Add", inputs: ["xs", "t"], outputs: ["a"] },
      { op: "Pad", inputs: ["a", "pads", "t0"], outputs: ["p"] },
      conv("/k/Conv", "p", "k.weight", "k", 0, 1, "k.bias"),
      conv("/a/Conv", "a", "a.weight", "o", 0, 1, "a.bias"),
      { op: "Add", inputs: ["k", "o"], outputs: ["y"] },
    ];
    const T = Math.fround(-0.35);
    const out = await checkGraph(
      nodes,
      [
        ...weights(),
        ...convWeights(rand, "k", c, c, 3, 3, true),
        pads,
        { name: "s", dims: [1, c, 1, 1], data: Float32Array.from([0.5, -1.25, 2, 0.75, 1.5]) },
        { name: "t", dims: [1], data: Float32Array.from([T]) },
        scalar("t0", T),
      ],
      c,
      rand,
    );
    expect(opTypes(out.model)).toEqual(["Conv"]);
    expect(out.report.refused).toEqual([]);
  });

  it("keeps a reflect Pad (not linear in a constant frame) between the convs", async () => {
    const out = await checkGraph(chain("", "reflect"), [...weights(), pads], c, rand);
    expect(opTypes(out.model)).toEqual(["Conv", "Pad", "Conv"]);
  });
});
