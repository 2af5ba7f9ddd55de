import { isReparamError } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { kerasModel } from "./keras-model.js";
import type { TfjsModelJson } from "./model-json.js";
import { modelFormat } from "./model-format.js";

const keras = {
  class_name: "Functional",
  config: { name: "m", layers: [{ class_name: "Conv2D", config: { filters: 2 } }] },
};

describe("modelFormat", () => {
  it("uses format, else infers from the topology", () => {
    expect(modelFormat({ format: "graph-model", modelTopology: keras })).toBe("graph-model");
    expect(modelFormat({ modelTopology: { node: [] } })).toBe("graph-model");
    expect(modelFormat({ modelTopology: keras })).toBe("layers-model");
    expect(modelFormat({ modelTopology: { model_config: keras } })).toBe("layers-model");
  });

  it("refuses a topology that tells nothing: TFJS_UNKNOWN_FORMAT", () => {
    const m: TfjsModelJson = { modelTopology: { foo: 1 } };
    expect(() => modelFormat(m)).toThrow(expect.objectContaining({ code: "TFJS_UNKNOWN_FORMAT" }));
  });
});

describe("kerasModel", () => {
  it("reads the plain and the converter-wrapped spelling", () => {
    expect(kerasModel(keras)).toBe(keras);
    expect(kerasModel({ keras_version: "2.15.0", backend: "tensorflow", model_config: keras })).toBe(keras);
  });

  it("refuses what is not a Keras model config: TFJS_BAD_TOPOLOGY", () => {
    for (const t of [
      { node: [] },
      { class_name: "Sequential", config: [] },
      { model_config: { class_name: "Model" } },
    ]) {
      let code: string | undefined;
      try {
        kerasModel(t as never);
      } catch (e) {
        code = isReparamError(e) ? e.code : "other";
      }
      expect(code).toBe("TFJS_BAD_TOPOLOGY");
    }
  });
});
