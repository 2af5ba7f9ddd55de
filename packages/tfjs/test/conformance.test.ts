/// <reference types="node" />
// Golden tests on the conformance TF.js fixtures: every case and variant
// decodes, its weights match the manifest, and decode -> encode -> decode is
// the identity on entries, bytes and every model.json field.
import { describe, expect, it } from "vitest";
import {
  decodeModelJson,
  decodeWeights,
  encodeModelJson,
  encodeWeights,
  kerasModel,
  memoryFiles,
  weightValues,
} from "../src/index.js";
import { modelFormat } from "../src/codec/model-format.js";
import type { GraphDefJson, TfjsWeight } from "../src/index.js";
import { VARIANTS, tfjsCases, variantSource } from "./fixtures.js";

const cases = tfjsCases();

/** Entries without their bytes (deep-equal on big typed arrays is slow). */
const strip = (ws: readonly TfjsWeight[]): Omit<TfjsWeight, "bytes">[] => ws.map(({ bytes: _, ...rest }) => rest);
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
const table = cases.flatMap((c) => VARIANTS.map((v) => [c.name, v, c] as const));

describe("conformance TF.js fixtures", () => {
  it("lists the six cases", () => {
    expect(cases.map((c) => c.name).sort()).toEqual([
      "acnet",
      "mobileone",
      "qarepvgg",
      "repvgg_se_eps",
      "repvgg_tiny",
      "timm_repvgg",
    ]);
  });

  it.each(table)("%s/%s: decodes to the expected format, weights, shapes, sizes", async (_name, v, c) => {
    const src = variantSource(c, v);
    const model = decodeModelJson(src.modelJson);
    expect(modelFormat(model)).toBe(c.variants[v].format);
    const raw = JSON.parse(new TextDecoder().decode(src.modelJson)) as {
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
    };
    const specs = raw.weightsManifest.flatMap((g) => g.weights);
    const weights = await decodeWeights(model.weightsManifest ?? [], src.files);
    expect(weights).toHaveLength(specs.length);
    expect(weights.map((w) => [w.name, w.shape, w.dtype])).toEqual(specs.map((s) => [s.name, s.shape, s.dtype]));
    expect(weights.reduce((n, w) => n + w.bytes.byteLength, 0)).toBe(c.variants[v].weights_bytes);
    for (const w of weights) expect(weightValues(w).length).toBe(w.shape.reduce((a, b) => a * b, 1));
    if (v === "layers-sharded") expect(raw.weightsManifest[0]!.paths[0]).toMatch(/^group1-shard1of\d+\.bin$/);
    if (c.variants[v].format === "layers-model") {
      const layers = kerasModel(model.modelTopology).config.layers;
      // Every weight belongs to a layer of the config (`layer/kernel`, ...).
      const names = new Set(layers.map((l) => l.name ?? l.config.name));
      for (const w of weights) expect(names).toContain(w.name.split("/")[0]);
    } else {
      // Every graph weight is the value of a Const node of the same name.
      const consts = new Set(
        ((model.modelTopology as GraphDefJson).node ?? []).filter((n) => n.op === "Const").map((n) => n.name),
      );
      for (const w of weights) expect(consts).toContain(w.name);
    }
  });

  it.each(table)("%s/%s: round-trips decode -> encode -> decode as the identity", async (_name, v, c) => {
    const src = variantSource(c, v);
    const model = decodeModelJson(src.modelJson);
    const weights = await decodeWeights(model.weightsManifest ?? [], src.files);
    for (const shardBytes of [undefined, 1000, 4097]) {
      const { manifest, shards } = encodeWeights(weights, shardBytes === undefined ? {} : { shardBytes });
      const json = encodeModelJson({ ...model, weightsManifest: manifest });
      const model2 = decodeModelJson(json);
      const weights2 = await decodeWeights(model2.weightsManifest ?? [], memoryFiles(shards));
      expect(strip(weights2)).toEqual(strip(weights));
      expect(weights2.every((w, i) => sameBytes(w.bytes, weights[i]!.bytes))).toBe(true);
      // Every field but the manifest's paths is unchanged, in the same order.
      const { weightsManifest: m1, ...rest1 } = model;
      const { weightsManifest: m2, ...rest2 } = model2;
      expect(rest2).toEqual(rest1);
      expect(Object.keys(model2)).toEqual(Object.keys(model));
      expect(m2?.map((g) => g.weights)).toEqual([m1?.flatMap((g) => g.weights)]);
      if (shardBytes === 1000) expect(shards.slice(0, -1).every((s) => s.bytes.byteLength === 1000)).toBe(true);
    }
  });
});
