import { describe, expect, it } from "vitest";
import { buildModel, encodeModel } from "@reparam/onnx";
import { unshapedOnnxInputs } from "./unshaped-onnx-inputs.js";

describe("unshapedOnnxInputs", () => {
  it("names the inputs declared without a shape, not the rank-0 ones", () => {
    const bytes = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: "x", dims: [1, "t", 8] }, { name: "h0" }, { name: "sr", dims: [], type: "int64" }],
        outputs: [{ name: "y" }],
        nodes: [{ op: "Identity", inputs: ["x"], outputs: ["y"] }],
        initializers: [{ name: "w", dims: [2], data: new Float32Array(2) }],
      }),
    );
    expect([...unshapedOnnxInputs(bytes)]).toEqual(["h0"]);
  });
});
