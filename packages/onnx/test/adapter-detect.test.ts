import { describe, expect, it } from "vitest";
import { onnxAdapter } from "../src/index.js";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";

describe("onnxAdapter.detect", () => {
  const c = conformanceCases()[0]!;
  it("knows .onnx files by name, and ONNX bytes under any name", () => {
    expect(onnxAdapter.detect("Model.ONNX", new Uint8Array(0))).toBe(true);
    expect(onnxAdapter.detect("model.bin", fixtureBytes(c.onnx.train).subarray(0, 64))).toBe(true);
  });
  it("says no to safetensors, JSON and empty files", () => {
    expect(onnxAdapter.detect(c.safetensors.train, fixtureBytes(c.safetensors.train).subarray(0, 64))).toBe(false);
    expect(onnxAdapter.detect("model.json", new TextEncoder().encode('{"format": "graph-model"}'))).toBe(false);
    expect(onnxAdapter.detect("empty", new Uint8Array(0))).toBe(false);
  });
});
