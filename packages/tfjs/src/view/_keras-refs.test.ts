import { describe, expect, it } from "vitest";
import { collectRefs, endpointRefs, mapRefs, tensorId } from "./_keras-refs.js";

describe("Keras tensor references", () => {
  it("reads Keras 2 / tfjs-layers nested lists and keeps kwargs when rewriting", () => {
    const call = [
      ["a", 0, 0, {}],
      ["b", 1, 0, { training: false }],
    ];
    expect(collectRefs(call)).toEqual([
      { layer: "a", node: 0, tensor: 0 },
      { layer: "b", node: 1, tensor: 0 },
    ]);
    expect(mapRefs(call, (r) => (r.layer === "b" ? { layer: "c", node: 0, tensor: 0 } : r))).toEqual([
      ["a", 0, 0, {}],
      ["c", 0, 0, { training: false }],
    ]);
  });

  it("reads Keras 3 keras_history objects and rewrites them in place", () => {
    const t = (l: string) => ({
      class_name: "__keras_tensor__",
      config: { shape: [null, 4, 4, 2], dtype: "float32", keras_history: [l, 0, 0] },
    });
    const call = { args: [[t("a"), t("b")]], kwargs: {} };
    expect(collectRefs(call).map(tensorId)).toEqual(["a", "b"]);
    const out = mapRefs(call, (r) => ({ ...r, layer: r.layer.toUpperCase() })) as typeof call;
    expect(out.args[0]!.map((x) => x.config.keras_history)).toEqual([
      ["A", 0, 0],
      ["B", 0, 0],
    ]);
    expect(out.args[0]![0]!.config.shape).toEqual([null, 4, 4, 2]);
  });

  it("names tensors by layer, or layer:node:tensor past the first output of the first call", () => {
    expect(tensorId({ layer: "conv", node: 0, tensor: 0 })).toBe("conv");
    expect(tensorId({ layer: "conv", node: 2, tensor: 1 })).toBe("conv:2:1");
    expect(endpointRefs([["out", 0, 0]])).toEqual([{ layer: "out", node: 0, tensor: 0 }]);
    expect(endpointRefs(["out", 0, 0])).toEqual([{ layer: "out", node: 0, tensor: 0 }]);
  });
});
