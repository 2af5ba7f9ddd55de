/// <reference types="node" />
// The same check on TF.js's wasm backend (informative in the fixtures'
// manifest, but it passes the same tolerance): re-encoded models in tiny shards.
import { describe, expect, it } from "vitest";
import { decodeModelJson, decodeWeights } from "../src/index.js";
import { readFloat32, tfjsCases, variantSource } from "./fixtures.js";
import { encodedSource, maxRelDiff, runTfjsModel } from "./run-model.js";

const table = tfjsCases().flatMap((c) => (["layers", "graph"] as const).map((v) => [c.name, v, c] as const));

describe("TF.js wasm backend", () => {
  it.each(table)("%s/%s: runs the re-encoded conformance model to the fixture's output", async (_name, v, c) => {
    const src = variantSource(c, v);
    const model = decodeModelJson(src.modelJson);
    const weights = await decodeWeights(model.weightsManifest ?? [], src.files);
    const out = await runTfjsModel(
      encodedSource(model, weights, { shardBytes: 999 }),
      readFloat32(c.input.file),
      c.input.shape,
      "wasm",
    );
    expect(maxRelDiff(out, readFloat32(c.output.file))).toBeLessThanOrEqual(1e-5);
  });
});
