import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import type { Runtime } from "./model-session.js";
import { ortSession, type OrtApi } from "./_ort-session.js";
import { importRuntime } from "./import-runtime.js";

/**
 * onnxruntime-web's WebAssembly backend, in Node: single-threaded, its
 * `.wasm` loaded from the package's own `dist` folder. Models are read into
 * memory (external data is not supported here).
 */
export function ortWebRuntime(): Runtime {
  return {
    backend: "wasm",
    runtime: "onnxruntime-web",
    async open(model) {
      if (!("bytes" in model)) throw new Error("onnxruntime runs ONNX models only");
      const ort = (await importRuntime("onnxruntime-web", () => import("onnxruntime-web"))) as unknown as OrtApi & {
        env: { wasm: { wasmPaths?: unknown; numThreads?: number } };
      };
      if (ort.env.wasm.wasmPaths === undefined) {
        const dist = dirname(createRequire(import.meta.url).resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm"));
        ort.env.wasm.wasmPaths = pathToFileURL(`${dist}/`).href;
        ort.env.wasm.numThreads = 1;
      }
      const bytes = await model.bytes();
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
      return ortSession(ort, session, async () => bytes);
    },
  };
}
