import { describe, expect, it } from "vitest";
import { backendOrder } from "./backend-order.js";

describe("backendOrder", () => {
  it("tries the GPU first, then falls back to slower backends", () => {
    expect(backendOrder("onnx", "auto")).toEqual(["webgpu", "cpu", "wasm"]);
    expect(backendOrder("onnx", "gpu")).toEqual(["webgpu", "cpu", "wasm"]);
    expect(backendOrder("onnx", "cpu")).toEqual(["cpu", "wasm"]);
    expect(backendOrder("onnx", "wasm")).toEqual(["wasm"]);
    expect(backendOrder("tfjs", "auto")).toEqual(["webgpu", "wasm", "cpu"]);
    expect(backendOrder("tfjs", "wasm")).toEqual(["wasm", "cpu"]);
    expect(backendOrder("tfjs", "cpu")).toEqual(["cpu"]);
  });
});
