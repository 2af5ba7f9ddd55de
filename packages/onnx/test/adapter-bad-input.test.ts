import { reparameterize } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { buildModel, encodeModel, intsAttr, onnxAdapter, type ModelProto } from "../src/index.js";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { memoryInput, memoryOutput } from "./_convert.js";
import { editField, encodeVarint, lenField } from "./_wire.js";

const fixture = fixtureBytes(conformanceCases()[0]!.onnx.train);

/** Converts `bytes`; returns the error's code and message, and what was created. */
async function fail(bytes: Uint8Array): Promise<{ code: string | undefined; message: string; created: string[] }> {
  const output = memoryOutput();
  try {
    await reparameterize(onnxAdapter, memoryInput("model.onnx", bytes), output, {});
  } catch (e) {
    return { code: (e as { code?: string }).code, message: String((e as Error).message), created: output.created };
  }
  return { code: "converted", message: "", created: output.created };
}

function graph(nodes: { op: string; inputs: string[]; outputs: string[] }[]): ModelProto {
  const w = { name: "w", dims: [2, 2, 1, 1], data: new Float32Array(4).fill(0.5) };
  return buildModel({
    opset: 13,
    inputs: [{ name: "x", dims: [1, 2, 3, 3] }],
    outputs: [{ name: "y" }],
    nodes: nodes.map((n) => ({ ...n, attrs: n.op === "Conv" ? { pads: intsAttr([0, 0, 0, 0]) } : {} })),
    initializers: [w],
  });
}

describe("onnx adapter on bad input", () => {
  it.each([
    ["a truncated file", fixture.subarray(0, fixture.byteLength - 100), "ONNX_DECODE", "ModelProto.graph"],
    [
      "a wrong wire type (graph as a varint)",
      new Uint8Array([0x08, 0x07, ...encodeVarint(7 * 8), 1]),
      "ONNX_DECODE",
      "wrong wire type",
    ],
    // the first node's last field: a name of 4 bytes with 1 left
    [
      "a length past the end",
      editField(fixture, 7, (g) =>
        editField(g, 1, (node) => new Uint8Array([...node, ...lenField(3, new Uint8Array(4)).subarray(0, 3)])),
      ),
      "ONNX_DECODE",
      "past the end",
    ],
    [
      "a cycle",
      encodeModel(
        graph([
          { op: "Conv", inputs: ["b", "w"], outputs: ["a"] },
          { op: "Relu", inputs: ["a"], outputs: ["b"] },
          { op: "Add", inputs: ["x", "b"], outputs: ["y"] },
        ]),
      ),
      "ONNX_CYCLE",
      "Conv_0' -> node 'Relu_1' -> node 'Conv_0'",
    ],
    [
      "an undefined node input",
      encodeModel(graph([{ op: "Conv", inputs: ["nowhere", "w"], outputs: ["y"] }])),
      "ONNX_UNDEFINED_INPUT",
      "'nowhere'",
    ],
  ] as const)("refuses %s with a clear ReparamError code, and writes no output", async (_, bytes, code, says) => {
    expect(await fail(bytes)).toEqual({ code, message: expect.stringContaining(says), created: [] });
  });
});
