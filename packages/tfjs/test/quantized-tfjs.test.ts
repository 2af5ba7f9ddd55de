/// <reference types="node" />
// weightValues agrees bit for bit with TF.js's own dequantization
// (tf.io.decodeWeights) on quantized uint8/uint16/float16 weights.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { decodeWeights, memoryFiles, weightValues } from "../src/index.js";
import type { WeightSpec } from "../src/codec/weights-manifest.js";
import { useBackend } from "./run-model.js";

/** Deterministic bytes (xorshift32). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("weightValues against TF.js", () => {
  it("matches TF.js dequantization for uint8, uint16 (float32 and int32) and float16, in one group of straddling 5-byte shards", async () => {
    await useBackend("cpu");
    const specs: WeightSpec[] = [
      { name: "a", shape: [3, 7], dtype: "float32", quantization: { dtype: "uint8", min: -0.731, scale: 0.0123 } },
      { name: "b", shape: [2, 9], dtype: "float32", quantization: { dtype: "uint16", min: 1.5, scale: 3.1e-5 } },
      { name: "c", shape: [11], dtype: "int32", quantization: { dtype: "uint8", min: -40, scale: 0.37 } },
      // Finite halves only (exponent bits not all ones), so NaN payloads do not matter.
      { name: "d", shape: [13], dtype: "float32", quantization: { dtype: "float16" } },
    ];
    const data = bytes(21 + 36 + 11 + 26, 12345);
    for (let i = 21 + 36 + 11 + 1; i < data.length; i += 2) data[i] = data[i]! & 0x7b;
    const shards = Array.from({ length: Math.ceil(data.length / 5) }, (_, i) => ({
      path: `s${i}.bin`,
      bytes: data.slice(5 * i, 5 * i + 5),
    }));
    const ours = await decodeWeights([{ paths: shards.map((s) => s.path), weights: specs }], memoryFiles(shards));
    const theirs = tf.io.decodeWeights(data.slice().buffer, specs as tf.io.WeightsManifestEntry[]);
    for (const w of ours) {
      const t = theirs[w.name]!;
      expect(t.dtype).toBe(w.dtype);
      expect(weightValues(w)).toEqual(await t.data());
      t.dispose();
    }
  });
});
