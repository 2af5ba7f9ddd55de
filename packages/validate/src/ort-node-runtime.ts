import type { Runtime } from "./model-session.js";
import { ortSession } from "./_ort-session.js";
import { importRuntime } from "./import-runtime.js";
import { NO_VULKAN_LOADER, vulkanLoaderFound } from "./vulkan-loader.js";

/**
 * onnxruntime-node on one execution provider: `webgpu` (bundled in its Linux
 * and Windows builds; needs a GPU adapter, on Linux through Vulkan) or `cpu`.
 * Models given by path load external data beside them. The package is loaded
 * on first use (`VALIDATE_RUNTIME_MISSING` when it is not installed); WebGPU
 * is not tried where the Vulkan loader is missing (see {@link vulkanLoaderFound}).
 */
export function ortNodeRuntime(ep: "webgpu" | "cpu"): Runtime {
  return {
    backend: ep,
    runtime: "onnxruntime-node",
    async open(model) {
      if (!("bytes" in model)) throw new Error("onnxruntime runs ONNX models only");
      const ort = await importRuntime("onnxruntime-node", () => import("onnxruntime-node"));
      if (ep === "webgpu" && !vulkanLoaderFound()) throw new Error(NO_VULKAN_LOADER);
      // Fatal only: a run that fails (a size chooseFreeSize tries) comes back as an error, not a native log line on stderr.
      const options = { executionProviders: [ep], logSeverityLevel: 4 as const };
      const session =
        model.path !== undefined
          ? await ort.InferenceSession.create(model.path, options)
          : await ort.InferenceSession.create(await model.bytes(), options);
      return ortSession(ort, session, () => model.bytes());
    },
  };
}
