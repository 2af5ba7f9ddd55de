import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url";
import wasmThreaded from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url";
import { tfjsSession, type ModelSession } from "@reparam/validate/browser";
import { baseName } from "./file-set-input.js";
import { gpuAdapter } from "./gpu-adapter.js";
import { blobBytes, type PageModel } from "./page-model.js";

// The .wasm files come from the page's own assets (Vite emits them), never from a CDN.
setWasmPaths({
  "tfjs-backend-wasm.wasm": wasmPlain,
  "tfjs-backend-wasm-simd.wasm": wasmSimd,
  "tfjs-backend-wasm-threaded-simd.wasm": wasmThreaded,
});

/** TF.js backends the page tries, fastest first. */
export type TfjsBackend = "webgpu" | "webgl" | "wasm" | "cpu";

/** Makes `backend` TF.js's active backend (one global engine), or throws why it cannot. */
export async function useTfjsBackend(backend: TfjsBackend): Promise<void> {
  if (backend === "webgpu" && (await gpuAdapter()) === null) throw new Error("no GPU adapter: WebGPU found none");
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend)))
    throw new Error(`TF.js could not initialise its ${backend} backend`);
  await tf.ready();
}

/**
 * Opens a TF.js model (`model.json` and the shards its manifest names, by
 * path) on one backend: layers models with `loadLayersModel`, graph models
 * with `loadGraphModel`, through an IOHandler over the page's files.
 */
export async function openTfjs(model: PageModel, backend: TfjsBackend): Promise<ModelSession> {
  await useTfjsBackend(backend);
  const json = JSON.parse(new TextDecoder().decode(await blobBytes(model.main.blob))) as tf.io.ModelJSON & {
    format?: string;
  };
  const graph = json.format === "graph-model" || (json.format === undefined && "node" in (json.modelTopology ?? {}));
  const handler: tf.io.IOHandler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const data: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const file = model.files.find((f) => f.path === path || baseName(f.path) === path);
            if (file === undefined) throw new Error(`${model.label}: no weight file '${path}'`);
            data.push(await file.blob.arrayBuffer());
          }
        }
        return [specs, data];
      }),
  };
  return tfjsSession(tf, graph ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler));
}
