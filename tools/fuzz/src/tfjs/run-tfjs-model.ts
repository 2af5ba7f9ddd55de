import type * as TF from "@tensorflow/tfjs";
import type { ModelFiles, Nchw } from "../spelling.js";
import { nchwToNhwc, nhwcToNchw } from "./nhwc.js";

type Tfjs = typeof TF;

let loading: Promise<Tfjs> | undefined;

/**
 * `@tensorflow/tfjs` on its cpu backend, imported once (TF.js has one global
 * engine; the backend is set again if someone switched it since).
 */
export async function tfjsCpu(): Promise<Tfjs> {
  loading ??= import("@tensorflow/tfjs");
  const tf = await loading;
  if (tf.getBackend() !== "cpu" && !(await tf.setBackend("cpu")))
    throw new Error("TF.js could not initialise its cpu backend");
  await tf.ready();
  return tf;
}

/** A folder-relative path as seen from `main`'s folder. */
const beside = (main: string, path: string): string =>
  main.includes("/") ? `${main.slice(0, main.lastIndexOf("/") + 1)}${path}` : path;

function ioHandler(tf: Tfjs, json: TF.io.ModelJSON, model: ModelFiles): TF.io.IOHandler {
  return {
    load: () =>
      tf.io.getModelArtifactsForJSON(json, (manifest) => {
        const specs: TF.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const bytes = model.files.get(beside(model.main, path));
            if (bytes === undefined) return Promise.reject(new Error(`no shard '${path}' beside '${model.main}'`));
            buffers.push(bytes.slice().buffer);
          }
        }
        return Promise.resolve([specs, buffers]);
      }),
  };
}

/**
 * Runs a TF.js model (layers or graph, told by `model.json`'s `format`)
 * held in memory on the cpu backend: x NCHW [N, C, H, W] is fed as NHWC,
 * the single output (NHWC) comes back as NCHW float32.
 */
export async function runTfjsModel(model: ModelFiles, x: Nchw): Promise<Nchw> {
  const tf = await tfjsCpu();
  const main = model.files.get(model.main);
  if (main === undefined) throw new Error(`no file '${model.main}' in the model`);
  const json = JSON.parse(new TextDecoder().decode(main)) as TF.io.ModelJSON;
  const handler = ioHandler(tf, json, model);
  const net = json.format === "graph-model" ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  const [n, c, h, w] = x.shape;
  const input = tf.tensor4d(nchwToNhwc(x), [n, h, w, c], "float32");
  try {
    const y = net instanceof tf.GraphModel ? net.execute(input) : net.predict(input);
    const ys = Array.isArray(y) ? y : [y];
    try {
      const out = ys[0];
      if (ys.length !== 1 || out === undefined || out.rank !== 4)
        throw new Error(
          `the model gives ${ys.length} outputs of ranks [${ys.map((t) => t.rank).join(", ")}], not one NHWC tensor`,
        );
      return nhwcToNchw(out.dataSync(), out.shape as [number, number, number, number]);
    } finally {
      tf.dispose(ys);
    }
  } finally {
    input.dispose();
    net.dispose();
  }
}
