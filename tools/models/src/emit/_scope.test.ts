import { describe, expect, it } from "vitest";
import { nodeNamer, scopeOf } from "./_scope.js";

describe("scopeOf", () => {
  it.each([
    ["stage1.0.rbr_dense.conv", "/stage1/stage1.0/rbr_dense/conv"],
    ["stage0.rbr_identity", "/stage0/rbr_identity"],
    ["blocks.2.rbr_dense.conv", "/blocks.2/rbr_dense/conv"],
    ["stage1.0.rbr_conv.3.conv", "/stage1/stage1.0/rbr_conv.3/conv"],
    ["model.0.rbr_dense.1", "/model.0/rbr_dense/rbr_dense.1"],
    ["linear", "/linear"],
    ["", ""],
  ])("maps %s -> %s (PyTorch's ONNX scope names)", (path, scope) => {
    expect(scopeOf(path)).toBe(scope);
  });

  it("numbers repeated node names as PyTorch does", () => {
    const name = nodeNamer();
    expect([name("/stage0", "Add"), name("/stage0", "Add"), name("/stage0", "Add"), name("/stage1", "Add")]).toEqual([
      "/stage0/Add",
      "/stage0/Add_1",
      "/stage0/Add_2",
      "/stage1/Add",
    ]);
  });
});
