import type * as TF from "@tensorflow/tfjs";
import type { BackendName } from "./backend-name.js";
import type { Runtime } from "./model-session.js";
import type { TfjsModelFiles } from "./loaded-model.js";
import { tfjsSession } from "./tfjs-session.js";
import { useTfjsBackend, type Tfjs } from "./use-tfjs-backend.js";

/**
 * TF.js (`@tensorflow/tfjs`) on one backend: layers models load with
 * `tf.loadLayersModel`, graph models with `tf.loadGraphModel`, both through
 * an IOHandler over the model's files (shards read in manifest order).
 */
export function tfjsRuntime(backend: BackendName): Runtime {
  return {
    backend,
    runtime: "tfjs",
    async open(model) {
      if (!("files" in model)) throw new Error("TF.js runs TF.js models only");
      const tf = await useTfjsBackend(backend);
      const json = JSON.parse(new TextDecoder().decode(model.files.modelJson)) as {
        format?: string;
        modelTopology?: object;
      };
      const graph =
        json.format === "graph-model" ||
        (json.format === undefined && json.modelTopology !== undefined && "node" in json.modelTopology);
      const handler = ioHandler(tf, model.files);
      return tfjsSession(tf, graph ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler));
    },
  };
}

function ioHandler(tf: Tfjs, files: TfjsModelFiles): TF.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(new TextDecoder().decode(files.modelJson)) as TF.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: TF.io.WeightsManifestEntry[] = [];
        const data: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const b = await files.read(path);
            data.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
          }
        }
        return [specs, data];
      });
    },
  };
}
