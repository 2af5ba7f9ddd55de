import { describe, expect, it } from "vitest";
import { tfjsAdapter } from "./tfjs-adapter.js";

const head = (text: string) => new TextEncoder().encode(text).subarray(0, 64);

describe("tfjsAdapter.detect", () => {
  it("knows a model.json by its name or its first bytes", () => {
    expect(tfjsAdapter.detect("model.json", head("{}"))).toBe(true);
    expect(
      tfjsAdapter.detect(
        "net.json",
        head('{"format": "graph-model", "generatedBy": "2.15.0", "convertedBy": "TensorFlow.js Converter"}'),
      ),
    ).toBe(true);
    expect(tfjsAdapter.detect("net.json", head('\uFEFF  {"modelTopology": {"class_name": "Model"}}'))).toBe(true);
  });

  it("leaves other files to other adapters", () => {
    expect(tfjsAdapter.detect("model.safetensors.index.json", head('{"metadata": {}, "weight_map": {}}'))).toBe(false);
    expect(tfjsAdapter.detect("config.json", head('{"architectures": ["RepVGG"]}'))).toBe(false);
    expect(tfjsAdapter.detect("model.onnx", head("\b\u0007\u0012"))).toBe(false);
    expect(tfjsAdapter.detect("model.json", head("not json"))).toBe(false);
  });
});
