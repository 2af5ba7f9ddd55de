import { errorCode } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { checkTopology } from "./_check-topology.js";

const input = { class_name: "InputLayer", name: "in", config: { name: "in" }, inbound_nodes: [] };
const conv = {
  class_name: "Conv2D",
  name: "c",
  config: { name: "c", kernel_size: [3, 3] },
  inbound_nodes: [[["in", 0, 0, {}]]],
};
const layers = (l: unknown[]) => ({ class_name: "Model", config: { name: "m", layers: [input, ...l] } });
const graph = (node: unknown) => ({
  node: [
    { name: "x", op: "Placeholder" },
    { name: "n", op: "Conv2D", input: ["x", "^x", "x:0"], attr: { padding: { s: "U0FNRQ==" } }, ...(node as object) },
  ],
});

describe("checkTopology (found by tools/fuzz-decode: these crashed block matching)", () => {
  it("accepts well-formed layers and nodes", () => {
    expect(errorCode(() => checkTopology(layers([conv]), "layers-model"))).toBeUndefined();
    expect(errorCode(() => checkTopology(graph({}), "graph-model"))).toBeUndefined();
    expect(
      errorCode(() =>
        checkTopology(
          layers([{ ...conv, inbound_nodes: [{ args: [{ config: { keras_history: ["in", 0, 0] } }] }] }]),
          "layers-model",
        ),
      ),
    ).toBeUndefined();
  });

  it.each([
    ["a layer that is not an object", layers([""])],
    ["a layer without config", layers([{ class_name: "Conv2D", name: "c" }])],
    ["a layer without a name", layers([{ class_name: "Conv2D", config: {} }])],
    ["inbound_nodes not a list", layers([{ ...conv, inbound_nodes: 1.5 }])],
    ["a call without inputs", layers([{ ...conv, inbound_nodes: [[]] }])],
    [
      "a reference to a layer that is never called",
      layers([
        { ...conv, inbound_nodes: [] },
        { ...conv, name: "d", inbound_nodes: [[["c", 0, 0, {}]]] },
      ]),
    ],
    ["a reference to no layer", layers([{ ...conv, inbound_nodes: [[["nope", 0, 0, {}]]] }])],
    ["a reference that lost its layer name", layers([{ ...conv, inbound_nodes: [[[0, 0, {}]]] }])],
    ["a call index past the layer's calls", layers([{ ...conv, inbound_nodes: [[["in", 2 ** 53 + 1, 0, {}]]] }])],
    [
      "a Keras 3 history to no layer",
      layers([{ ...conv, inbound_nodes: [{ args: [{ config: { keras_history: ["nope", 0, 0] } }] }] }]),
    ],
  ])("refuses %s with TFJS_BAD_TOPOLOGY", (_, t) => {
    expect(errorCode(() => checkTopology(t, "layers-model"))).toBe("TFJS_BAD_TOPOLOGY");
  });

  it.each([
    ["nodes not a list", { node: 1 }],
    ["a node that is not an object", { node: [-0] }],
    ["a non-string input", graph({ input: [true] })],
    ["inputs not a list", graph({ input: "x" })],
    ["a Conv2D with one data input", graph({ input: ["x", "^x"] })],
    ["an input no node produces", graph({ input: ["x", "gone:1"] })],
    ["a bytes attribute that is not a string", graph({ attr: { padding: { s: 1 } } })],
    ["a list attribute of the wrong type", graph({ attr: { strides: { list: { i: [null] } } } })],
    [
      "an int that JSON cannot write back (1e400 reads as Infinity)",
      graph({ attr: { strides: { list: { i: [Infinity] } } } }),
    ],
  ])("refuses %s with TFJS_BAD_TOPOLOGY", (_, t) => {
    expect(errorCode(() => checkTopology(t, "graph-model"))).toBe("TFJS_BAD_TOPOLOGY");
  });
});
