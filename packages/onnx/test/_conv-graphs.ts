// Hand-built conv graphs for the chain tests: Conv nodes, and a check that converts a graph and
// runs it against its conversion on onnxruntime at two input sizes (borders included).
import { expect } from "vitest";
import type { ConvertOptions } from "@reparam/core";
import { buildModel, encodeModel, intAttr, intsAttr, type InitializerSpec, type NodeSpec } from "../src/index.js";
import { inputData } from "./_blocks.js";
import { convert, relativeError, run } from "./_convert.js";

/** A Conv node with symmetric pads `p` and `group` groups; bias `b` when given. */
export const convNode = (name: string, x: string, w: string, out: string, p = 0, group = 1, b?: string): NodeSpec => ({
  op: "Conv",
  name,
  inputs: b === undefined ? [x, w] : [x, w, b],
  outputs: [out],
  attrs: { pads: intsAttr([p, p, p, p]), group: intAttr(group) },
});

/** Converts a graph over x [1, c, h, w], runs both on 7x6 and 5x9 inputs, returns the conversion. */
export async function checkGraph(
  nodes: NodeSpec[],
  initializers: InitializerSpec[],
  c: number,
  rand: () => number,
  options: ConvertOptions = {},
) {
  const bytes = encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [1, c, "h", "w"] }],
      outputs: [{ name: "y" }],
      nodes,
      initializers,
    }),
  );
  const out = await convert(bytes, options);
  for (const [h, w] of [
    [7, 6],
    [5, 9],
  ] as const) {
    const feeds = { x: { data: inputData(rand, c * h * w), dims: [1, c, h, w] } };
    // Tolerance: float32 storage of float64-fused weights, against float32 runs of the chain: 1e-5 x max|y|.
    expect(relativeError(await run(out.bytes, feeds), await run(bytes, feeds))).toBeLessThanOrEqual(1e-5);
  }
  return out;
}
