/// <reference types="node" />
// Runs TF.js models with @tensorflow/tfjs (a devDependency: tests only, never
// src). Loads model.json bytes plus a TfjsFiles through a custom IOHandler, so
// TF.js itself decodes the shards (independently of decodeWeights), and runs
// one float32 input. Reusable by the block-rewriting tests.
import * as tf from "@tensorflow/tfjs";
import { encodeModelJson, encodeWeights, memoryFiles } from "../src/index.js";
import type { EncodableWeight, TfjsModelJson } from "../src/index.js";
import type { EncodeWeightsOptions } from "../src/write/encodable-weight.js";
import type { TfjsFiles } from "../src/codec/tfjs-files.js";

/** A model as files: the bytes of model.json and access to the shards next to it. */
export interface TfjsModelSource {
  readonly modelJson: Uint8Array;
  readonly files: TfjsFiles;
}

/** Selects a TF.js backend (default `cpu`) once it is ready. */
export async function useBackend(name: "cpu" | "wasm" = "cpu"): Promise<void> {
  if (tf.getBackend() === name) return;
  if (name === "wasm") await import("@tensorflow/tfjs-backend-wasm");
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} is not available`);
  await tf.ready();
}

/** A TF.js IOHandler over a {@link TfjsModelSource}: shards read in manifest order, kept as a list. */
export function ioHandler(source: TfjsModelSource): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(new TextDecoder().decode(source.modelJson)) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const data: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const b = await source.files.read(path);
            data.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
          }
        }
        return [specs, data];
      });
    },
  };
}

/** Loads a layers model (`tf.loadLayersModel`) or graph model (`tf.loadGraphModel`), by its `format`. */
export async function loadTfjsModel(source: TfjsModelSource): Promise<tf.LayersModel | tf.GraphModel> {
  const json = JSON.parse(new TextDecoder().decode(source.modelJson)) as { format?: string; modelTopology: object };
  const graph = json.format === "graph-model" || (json.format === undefined && "node" in json.modelTopology);
  return graph ? tf.loadGraphModel(ioHandler(source)) : tf.loadLayersModel(ioHandler(source));
}

/**
 * Runs a model on one input and returns its (single) output, flat.
 *
 * @param input - row-major values (NHWC for the conformance fixtures).
 * @param shape - the input's shape.
 */
export async function runTfjsModel(
  source: TfjsModelSource,
  input: Float32Array,
  shape: readonly number[],
  backend: "cpu" | "wasm" = "cpu",
): Promise<Float32Array> {
  await useBackend(backend);
  const model = await loadTfjsModel(source);
  const x = tf.tensor(input, [...shape], "float32");
  try {
    const y = model instanceof tf.GraphModel ? model.execute(x) : model.predict(x);
    if (Array.isArray(y)) throw new Error(`model has ${y.length} outputs; expected 1`);
    const out = (await (y as tf.Tensor).data()) as Float32Array;
    (y as tf.Tensor).dispose();
    return out;
  } finally {
    x.dispose();
    model.dispose();
  }
}

/**
 * A {@link TfjsModelSource} for a decoded (possibly rewritten) model: the
 * weights encoded with {@link encodeWeights}, model.json with
 * {@link encodeModelJson}, all in memory.
 */
export function encodedSource(
  model: TfjsModelJson,
  weights: readonly EncodableWeight[],
  options: EncodeWeightsOptions = {},
): TfjsModelSource & { shards: { path: string; bytes: Uint8Array }[] } {
  const { manifest, shards } = encodeWeights(weights, options);
  return { modelJson: encodeModelJson({ ...model, weightsManifest: manifest }), files: memoryFiles(shards), shards };
}

/** max|actual - expected| / max|expected|: the conformance metric (test-utils' `relativeError`). */
export { relativeError as maxRelDiff } from "@reparam/test-utils";
