import { describe, expect, it } from "vitest";
import { floatAttr, intsAttr, stringAttr } from "../codec/attribute-value.js";
import { buildModel, type InitializerSpec, type NodeSpec } from "../codec/build-model.js";
import { constantTable } from "./_constant-table.js";
import { spatialConstantPad } from "./_pad-amounts.js";

const pads = (...v: number[]): InitializerSpec => ({
  name: "pads",
  dims: [v.length],
  data: BigInt64Array.from(v, BigInt),
});
const fill = (v: number): InitializerSpec => ({ name: "fill", dims: [], data: Float32Array.from([v]) });

/** spatialConstantPad of the one node of a graph over x [1, 3, 5, 5] at `opset`. */
function read(node: NodeSpec, initializers: InitializerSpec[], opset = 13) {
  const m = buildModel({
    opset,
    inputs: [{ name: "x", dims: [1, 3, 5, 5] }],
    outputs: [{ name: "y" }],
    nodes: [node],
    initializers,
  });
  return spatialConstantPad(m.graph!.node[0]!, constantTable(m.graph!, undefined, false, opset), opset, 4);
}

describe("spatialConstantPad", () => {
  it("reads the constant_value input of a constant-mode Pad, 0 without one", () => {
    const pad: NodeSpec = { op: "Pad", inputs: ["x", "pads", "fill"], outputs: ["y"] };
    expect(read(pad, [pads(0, 0, 1, 2, 0, 0, 3, 4), fill(-0.25)])).toEqual({ pads: [1, 2, 3, 4], value: -0.25 });
    expect(read({ ...pad, inputs: ["x", "pads"] }, [pads(0, 0, 1, 1, 0, 0, 1, 1)])).toEqual({
      pads: [1, 1, 1, 1],
      value: 0,
    });
  });

  it("reads the value attribute of a Pad before opset 11", () => {
    const pad: NodeSpec = {
      op: "Pad",
      inputs: ["x"],
      outputs: ["y"],
      attrs: { pads: intsAttr([0, 0, 1, 0, 0, 0, 0, 1]), value: floatAttr(0.5) },
    };
    expect(read(pad, [], 10)).toEqual({ pads: [1, 0, 0, 1], value: 0.5 });
  });

  it("refuses reflect / edge modes, a padded channel axis and a non-finite value", () => {
    const pad: NodeSpec = { op: "Pad", inputs: ["x", "pads", "fill"], outputs: ["y"] };
    const spatial = pads(0, 0, 1, 1, 0, 0, 1, 1);
    for (const mode of ["reflect", "edge"])
      expect(read({ ...pad, inputs: ["x", "pads"], attrs: { mode: stringAttr(mode) } }, [spatial])).toBeUndefined();
    expect(read(pad, [pads(0, 1, 1, 1, 0, 0, 1, 1), fill(0.5)])).toBeUndefined();
    expect(read(pad, [spatial, fill(Number.POSITIVE_INFINITY)])).toBeUndefined();
  });
});
