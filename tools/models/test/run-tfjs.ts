import * as tf from "@tensorflow/tfjs";
import { collectSink } from "@reparam/core";
import type { OpenFile } from "../src/emit/write-tfjs-shards.js";

/** A TF.js model's files by path (`model.json`, shards). */
export type Files = Map<string, Uint8Array>;

/** An {@link OpenFile} that keeps each closed file in `files`. */
export function memoryOpen(files: Files): OpenFile {
  return (path) => {
    const sink = collectSink();
    return Promise.resolve({ write: sink.write, close: () => Promise.resolve(files.set(path, sink.bytes())) });
  };
}

/** The files an emitter writes through `open`. */
export async function emitted(emit: (open: OpenFile) => Promise<unknown>): Promise<Files> {
  const files: Files = new Map();
  await emit(memoryOpen(files));
  return files;
}

/** Runs a TF.js model (layers or graph) held in `files` on the cpu backend; returns its output. */
export async function runTfjs(files: Files, x: Float32Array, shape: number[]): Promise<Float32Array> {
  await tf.setBackend("cpu");
  const json = JSON.parse(new TextDecoder().decode(files.get("model.json")!)) as tf.io.ModelJSON;
  const handler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(json, (manifest) => {
        const group = manifest[0]!;
        return Promise.resolve([group.weights, group.paths.map((p) => files.get(p)!.slice().buffer as ArrayBuffer)]);
      }),
  };
  const input = tf.tensor(x, shape);
  const model = json.format === "graph-model" ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  const y = model.predict(input) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([input, y]);
  model.dispose();
  return out;
}
