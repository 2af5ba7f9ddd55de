import { describe, expect, it } from "vitest";
import { condenseReason } from "./condense-reason.js";

describe("condenseReason", () => {
  it("drops onnxruntime's source location and says 'no GPU adapter' first", () => {
    const ort = new Error(
      "/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n",
    );
    expect(condenseReason(ort)).toBe("no GPU adapter: Failed to get a WebGPU adapter: No supported adapters");
    expect(condenseReason(new Error(`original model: ${condenseReason(ort)}`))).toBe(
      "original model: no GPU adapter: Failed to get a WebGPU adapter: No supported adapters",
    );
    expect(condenseReason("x".repeat(500))).toHaveLength(403);
  });
});
