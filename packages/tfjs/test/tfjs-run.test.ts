/// <reference types="node" />
// Runs the conformance TF.js models with TF.js itself (cpu backend): the
// original files and the files re-encoded by this package (also in tiny
// shards, so tensors straddle) give the reference output.
import { describe, expect, it } from "vitest";
import { decodeModelJson, decodeWeights, weightValues } from "../src/index.js";
import type { EncodableWeight } from "../src/index.js";
import { readFloat32, tfjsCases, variantSource } from "./fixtures.js";
import type { Variant } from "./fixtures.js";
import { encodedSource, maxRelDiff, runTfjsModel } from "./run-model.js";

const TOLERANCE = 1e-5;
const RUN_VARIANTS: readonly Variant[] = ["layers", "layers-sharded", "graph", "layers-deploy"];
const table = tfjsCases().flatMap((c) => RUN_VARIANTS.map((v) => [c.name, v, c] as const));

describe("TF.js", () => {
  it.each(table)(
    "%s/%s: runs the original and re-encoded conformance model to the fixture's output",
    async (_name, v, c) => {
      const input = readFloat32(c.input.file);
      const expected = readFloat32(c.output.file);
      const src = variantSource(c, v);
      const original = await runTfjsModel(src, input, c.input.shape);
      expect(original.length).toBe(c.output.shape.reduce((a, b) => a * b, 1));
      expect(maxRelDiff(original, expected)).toBeLessThanOrEqual(TOLERANCE);

      const model = decodeModelJson(src.modelJson);
      const weights = await decodeWeights(model.weightsManifest ?? [], src.files);
      for (const shardBytes of [4 * 1024 * 1024, 1234]) {
        const reencoded = await runTfjsModel(encodedSource(model, weights, { shardBytes }), input, c.input.shape);
        expect(maxRelDiff(reencoded, expected)).toBeLessThanOrEqual(TOLERANCE);
        // Same weights, same bytes: the very same output.
        expect(reencoded).toEqual(original);
      }
    },
  );
});

describe("the TF.js check", () => {
  it.each(["layers", "graph"] as const)(
    "repvgg_tiny/%s: notices one kernel rewritten as new float32 values",
    async (v) => {
      const c = tfjsCases().find((x) => x.name === "repvgg_tiny")!;
      const src = variantSource(c, v);
      const model = decodeModelJson(src.modelJson);
      const weights = await decodeWeights(model.weightsManifest ?? [], src.files);
      const input = readFloat32(c.input.file);
      const expected = readFloat32(c.output.file);
      const k = weights.findIndex((w) => w.dtype === "float32" && w.shape.length === 4);
      const rewrite = (scale: number): EncodableWeight[] =>
        weights.map((w, i) =>
          i === k
            ? { name: w.name, shape: w.shape, values: (weightValues(w) as Float32Array).map((x) => x * scale) }
            : w,
        );
      // Scale 1 through the new-values path: byte-identical weights, same output.
      const same = await runTfjsModel(encodedSource(model, rewrite(1)), input, c.input.shape);
      expect(maxRelDiff(same, expected)).toBeLessThanOrEqual(TOLERANCE);
      const changed = await runTfjsModel(encodedSource(model, rewrite(1.01)), input, c.input.shape);
      expect(maxRelDiff(changed, expected)).toBeGreaterThan(TOLERANCE);
    },
  );
});
