import { buildModel, encodeModel } from "@reparam/onnx";
import * as ort from "onnxruntime-web/webgpu";
import { ortSession, type ModelSession, type OrtApi } from "@reparam/validate/browser";
import { gpuAdapter } from "./gpu-adapter.js";
import { blobBytes, type PageModel } from "./page-model.js";

// One thread: more need cross-origin isolation (SharedArrayBuffer), which a plain static server does not give.
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;

/** onnxruntime-web's execution providers the page tries, fastest first. */
export type OrtBackend = "webgpu" | "wasm";

/**
 * Opens an ONNX model (its bytes, or its main file and its external data
 * files by their relative paths) in onnxruntime-web on one execution
 * provider. The `.wasm` comes from the page's own assets (bundled by Vite).
 */
export async function openOrtWeb(model: PageModel | Uint8Array, backend: OrtBackend): Promise<ModelSession> {
  if (backend === "webgpu" && (await gpuAdapter()) === null) throw new Error("no GPU adapter: WebGPU found none");
  const bytes = model instanceof Uint8Array ? model : (model.bytes ?? (await blobBytes(model.main.blob)));
  const externalData = model instanceof Uint8Array ? [] : model.files.map((f) => ({ path: f.path, data: f.blob }));
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [backend],
    ...(externalData.length > 0 ? { externalData } : {}),
  });
  return ortSession(ort as unknown as OrtApi, session as never, async () => bytes);
}

/** A one-node ONNX model (y = relu(x)), the smallest thing that makes onnxruntime-web load its .wasm. */
function tinyModel(): Uint8Array {
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: "x", dims: [1] }],
      outputs: [{ name: "y" }],
      nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }],
    }),
  );
}

/** Opens (and closes) a one-node model on `backend`, so that its .wasm and device are loaded before any model is. */
export async function prepareOrtWeb(backend: OrtBackend): Promise<void> {
  const s = await openOrtWeb(tinyModel(), backend);
  await s.dispose();
}
