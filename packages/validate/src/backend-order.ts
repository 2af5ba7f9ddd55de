/**
 * Which backend to run on. `auto` and `gpu` try the GPU first and fall back
 * to slower backends (the report says why each was skipped); `cpu` and `wasm`
 * start at that backend, still falling back to slower ones when it fails.
 *
 * ONNX: onnxruntime-node WebGPU EP > onnxruntime-node CPU > onnxruntime-web (wasm).
 * TF.js: tfjs-backend-webgpu (Dawn) > tfjs-backend-wasm > tfjs cpu.
 */
export type BackendChoice = "auto" | "gpu" | "cpu" | "wasm";

/** A backend that runs: the GPU (WebGPU), native CPU code, or WebAssembly. */
export type BackendName = "webgpu" | "cpu" | "wasm";

/** A backend that was tried and not used, and why. */
export interface SkippedBackend {
  readonly backend: BackendName;
  /** `onnxruntime-node`, `onnxruntime-web`, `tfjs`. */
  readonly runtime: string;
  /** The runtime's own error, condensed to one line. */
  readonly reason: string;
}

const ORDER: Record<"onnx" | "tfjs", readonly BackendName[]> = {
  onnx: ["webgpu", "cpu", "wasm"],
  tfjs: ["webgpu", "wasm", "cpu"],
};

/** The backends to try, fastest first, for a format and a choice. */
export function backendOrder(format: "onnx" | "tfjs", choice: BackendChoice): readonly BackendName[] {
  const order = ORDER[format];
  if (choice === "auto" || choice === "gpu") return order;
  return order.slice(order.indexOf(choice));
}
