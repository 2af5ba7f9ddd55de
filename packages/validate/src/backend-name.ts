/**
 * Which backend to run on. `auto` and `gpu` try the GPU first and fall back
 * to slower backends (the report says why each was skipped); `cpu` and `wasm`
 * start at that backend, still falling back to slower ones when it fails.
 * Each runtime family's order is in `runtimeFamilies`.
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
