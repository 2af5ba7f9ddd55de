/// <reference types="node" />
// Builds small train-time multi-branch models with tf.layers (functional API,
// NHWC), gives them deterministic random weights (BN statistics included) and
// saves them in memory as model.json + one shard, the way tfjs-layers writes them.
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "@reparam/test-utils";
import { memoryFiles } from "../src/index.js";
import type { TfjsModelSource } from "./run-model.js";

type T = tf.SymbolicTensor;
const L = tf.layers;

/** Sets every weight of every layer: kernels uniform ±0.5, BN gamma/beta/mean/var in fixture-like ranges. */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const rand = seededRandom(seed);
  const range = (name: string): [number, number] => {
    if (name.endsWith("gamma")) return [0.5, 1.5];
    if (name.endsWith("moving_variance")) return [0.5, 2];
    if (name.endsWith("moving_mean")) return [-0.2, 0.2];
    return [-0.5, 0.5];
  };
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const [lo, hi] = range(w.originalName);
      const n = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
      return tf.tensor(
        Float32Array.from({ length: n }, () => lo + (hi - lo) * rand()),
        w.shape as number[],
      );
    });
    if (values.length > 0) layer.setWeights(values);
    values.forEach((v) => v.dispose());
  }
}

/** Saves a layers model in memory: model.json (tfjs-layers' own topology) and `weights.bin`. */
export async function saveLayersModel(
  model: tf.LayersModel,
): Promise<TfjsModelSource & { json: Record<string, unknown>; weights: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(
      async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }),
    ),
  );
  const a = artifacts!;
  const data = Array.isArray(a.weightData) ? a.weightData : [a.weightData!];
  const weights = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let o = 0;
  for (const b of data) {
    weights.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  const json = {
    modelTopology: a.modelTopology,
    format: "layers-model",
    generatedBy: a.generatedBy,
    convertedBy: null,
    weightsManifest: [{ paths: ["weights.bin"], weights: a.weightSpecs }],
  };
  return {
    json,
    weights,
    modelJson: new TextEncoder().encode(JSON.stringify(json)),
    files: memoryFiles({ "weights.bin": weights }),
  };
}

/** conv (no bias) -> BN, optionally behind a ZeroPadding2D and with 'valid' padding. */
export function convBn(
  x: T,
  name: string,
  o: {
    filters: number;
    k: [number, number];
    stride?: number;
    padding: "same" | "valid";
    pad?: [[number, number], [number, number]];
    eps?: number;
  },
): T {
  const input = o.pad ? (L.zeroPadding2d({ padding: o.pad, name: `${name}_pad` }).apply(x) as T) : x;
  const conv = L.conv2d({
    filters: o.filters,
    kernelSize: o.k,
    strides: o.stride ?? 1,
    padding: o.padding,
    useBias: false,
    name: `${name}_conv`,
  });
  return L.batchNormalization({ epsilon: o.eps ?? 1e-5, name: `${name}_bn` }).apply(conv.apply(input)) as T;
}

/** depthwise conv (no bias) -> BN. */
export function dwBn(
  x: T,
  name: string,
  o: { k: number; stride?: number; padding: "same" | "valid"; multiplier?: number },
): T {
  const conv = L.depthwiseConv2d({
    kernelSize: o.k,
    strides: o.stride ?? 1,
    padding: o.padding,
    depthMultiplier: o.multiplier ?? 1,
    useBias: false,
    name: `${name}_conv`,
  });
  return L.batchNormalization({ epsilon: 1e-5, name: `${name}_bn` }).apply(conv.apply(x)) as T;
}

/** Sum of branches, then ReLU. */
export function addRelu(name: string, branches: T[]): T {
  return L.activation({ activation: "relu", name: `${name}_act` }).apply(
    L.add({ name: `${name}_add` }).apply(branches),
  ) as T;
}

/** A functional model over an NHWC input of `shape` ([H, W, C]; null sizes allowed). */
export function functional(shape: (number | null)[], body: (x: T) => T): tf.LayersModel {
  const x = tf.input({ shape, name: "input" });
  return tf.model({ inputs: x, outputs: body(x) });
}

/** A deterministic NHWC input of the given shape. */
export function randomInput(shape: number[], seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rand() - 1);
}
