import type * as TF from "@tensorflow/tfjs";
import type { BackendName } from "./backend-name.js";
import type { ModelSession, Runtime } from "./model-session.js";
import type { TfjsModelFiles } from "./loaded-model.js";
import type { TensorSpec } from "./numeric-tensor.js";
import { useTfjsBackend, type Tfjs } from "./use-tfjs-backend.js";

type TfModel = TF.LayersModel | TF.GraphModel;

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
      return session(tf, graph ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler));
    },
  };
}

interface Info {
  readonly name: string;
  readonly shape?: readonly (number | null)[] | undefined;
  readonly dtype: string;
}

function specs(infos: readonly Info[], names?: readonly string[]): TensorSpec[] {
  return infos.map((t, i) => ({
    name: names?.[i] ?? t.name,
    dtype: t.dtype,
    dims: t.shape === undefined ? null : t.shape.map((d) => (d === null || d < 0 ? null : d)),
  }));
}

function session(tf: Tfjs, model: TfModel): ModelSession {
  const isGraph = model instanceof tf.GraphModel;
  // Layers models go by layer names: symbolic tensor names get a _1 suffix per model loaded.
  const layers = isGraph ? undefined : (model as TF.LayersModel);
  const inputs = specs(model.inputs as readonly Info[], layers?.inputNames);
  const outputs = specs(model.outputs as readonly Info[], layers?.outputNames);
  return {
    inputs,
    outputs,
    async run(feeds) {
      const xs = feeds.map((f) => tf.tensor(Float32Array.from(f.data), [...f.shape], "float32"));
      try {
        const y = isGraph
          ? await (model as TF.GraphModel).executeAsync(xs)
          : (model as TF.LayersModel).predict(xs.length === 1 ? xs[0]! : xs);
        const ys = Array.isArray(y) ? y : [y as TF.Tensor];
        try {
          return await Promise.all(
            ys.map(async (t, i) => ({
              name: outputs[i]?.name ?? `output_${i}`,
              dtype: t.dtype,
              shape: [...t.shape],
              data: (await t.data()) as Float32Array,
            })),
          );
        } finally {
          for (const t of ys) t.dispose();
        }
      } finally {
        for (const x of xs) x.dispose();
      }
    },
    dispose: async () => {
      model.dispose();
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
