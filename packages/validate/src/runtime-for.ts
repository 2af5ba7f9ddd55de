import type { BackendName } from "./backend-order.js";
import type { Runtime } from "./model-session.js";
import { ortNodeRuntime } from "./ort-node-runtime.js";
import { ortWebRuntime } from "./ort-web-runtime.js";
import { tfjsRuntime } from "./tfjs-runtime.js";

/** The runtime that runs a format on a backend: onnxruntime-node (webgpu, cpu) or onnxruntime-web (wasm) for ONNX, TF.js for TF.js. */
export function runtimeFor(format: "onnx" | "tfjs", backend: BackendName): Runtime {
  if (format === "tfjs") return tfjsRuntime(backend);
  return backend === "wasm" ? ortWebRuntime() : ortNodeRuntime(backend);
}
