import type { ModelSession } from "@reparam/validate/browser";
import { openOrtWeb, prepareOrtWeb } from "./ort-web-runtime.js";
import type { PageModel } from "./page-model.js";
import { openTfjs, useTfjsBackend } from "./tfjs-web-runtime.js";

/** A runtime on one backend, as the page runs it. */
export interface PageRuntime {
  /** `onnxruntime-web`, `tfjs`. */
  readonly runtime: string;
  /** `webgpu`, `webgl`, `wasm`, `cpu`. */
  readonly backend: string;
  open(model: PageModel): Promise<ModelSession>;
  /** Loads what the backend needs (its .wasm, a GPU device) now, or throws why it cannot run here. */
  prepare(): Promise<void>;
}

/**
 * The browser's runtimes per kind of model (an adapter's `runtime` fact),
 * fastest first; a backend that cannot load or run a model is skipped with
 * its error as the reason. ONNX: onnxruntime-web WebGPU > wasm. TF.js:
 * webgpu > webgl > wasm > cpu.
 */
export const pageRuntimes: Readonly<Record<string, readonly PageRuntime[]>> = {
  onnx: (["webgpu", "wasm"] as const).map((backend) => ({
    runtime: "onnxruntime-web",
    backend,
    open: (m: PageModel) => openOrtWeb(m, backend),
    prepare: () => prepareOrtWeb(backend),
  })),
  tfjs: (["webgpu", "webgl", "wasm", "cpu"] as const).map((backend) => ({
    runtime: "tfjs",
    backend,
    open: (m: PageModel) => openTfjs(m, backend),
    prepare: () => useTfjsBackend(backend),
  })),
};

/** The runtime kind of the per-block check models (validate builds them as ONNX). */
export const BLOCK_RUNTIME = "onnx";
