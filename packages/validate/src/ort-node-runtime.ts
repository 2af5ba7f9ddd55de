import type { Runtime } from "./model-session.js";
import { ortSession } from "./_ort-session.js";

/**
 * onnxruntime-node on one execution provider: `webgpu` (bundled in its Linux
 * and Windows builds; needs a GPU adapter, on Linux through Vulkan) or `cpu`.
 * Models given by path load external data beside them.
 */
export function ortNodeRuntime(ep: "webgpu" | "cpu"): Runtime {
  return {
    backend: ep,
    runtime: "onnxruntime-node",
    async open(model) {
      if (!("bytes" in model)) throw new Error("onnxruntime runs ONNX models only");
      const ort = await import("onnxruntime-node");
      const options = { executionProviders: [ep] };
      const session =
        model.path !== undefined
          ? await ort.InferenceSession.create(model.path, options)
          : await ort.InferenceSession.create(await model.bytes(), options);
      return ortSession(ort, session);
    },
  };
}
