/// <reference types="node" />
// Bad input fails with a clear ReparamError before anything is written: the
// in-memory output sees no create call at all.
import { reparameterize, isReparamError } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { memoryFiles, tfjsAdapter } from "../src/index.js";
import { tfjsCases, variantSource } from "./fixtures.js";
import { memoryOutput, modelInput } from "./model-io.js";

const base = variantSource(tfjsCases().find((c) => c.name === "repvgg_tiny")!, "layers");
const json = JSON.parse(new TextDecoder().decode(base.modelJson)) as {
  weightsManifest: { paths: string[]; weights: { dtype: string }[] }[];
} & Record<string, unknown>;
const encode = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const withManifest = (edit: (m: typeof json.weightsManifest) => void): Uint8Array => {
  const m = structuredClone(json.weightsManifest);
  edit(m);
  return encode({ ...json, weightsManifest: m });
};

describe("tfjs adapter on bad input", () => {
  const cases: [
    string,
    string,
    () => Promise<{ modelJson: Uint8Array; files: ReturnType<typeof memoryFiles> }>,
    RegExp,
  ][] = [
    [
      "a missing shard",
      "TFJS_MISSING_SHARD",
      async () => ({ modelJson: base.modelJson, files: memoryFiles({}) }),
      /weights\.bin/,
    ],
    [
      "a short shard",
      "TFJS_SHARD_SIZE",
      async () => ({
        modelJson: base.modelJson,
        files: memoryFiles({ "weights.bin": (await base.files.read("weights.bin")).slice(0, 1000) }),
      }),
      /too short/,
    ],
    [
      "an unknown dtype",
      "TFJS_UNKNOWN_DTYPE",
      async () => ({ modelJson: withManifest((m) => (m[0]!.weights[0]!.dtype = "complex64")), files: base.files }),
      /complex64/,
    ],
    [
      "a shard path leaving the folder",
      "TFJS_PATH_ESCAPE",
      async () => ({ modelJson: withManifest((m) => (m[0]!.paths = ["../weights.bin"])), files: base.files }),
      /\.\./,
    ],
    [
      "model.json that is not JSON",
      "TFJS_BAD_JSON",
      async () => ({ modelJson: new TextEncoder().encode("{ not json"), files: base.files }),
      /not valid JSON|JSON/,
    ],
    [
      "model.json without modelTopology",
      "TFJS_NO_TOPOLOGY",
      async () => ({ modelJson: encode({ weightsManifest: json.weightsManifest }), files: base.files }),
      /modelTopology/,
    ],
  ];

  it.each(cases)("refuses %s with %s, and writes no partial output", async (_what, code, make, message) => {
    const source = await make();
    const opened: string[] = [];
    const input = modelInput(source);
    const spy = { ...input, open: (p: string) => (opened.push(p), input.open(p)) };
    const out = memoryOutput();
    const err = await reparameterize(tfjsAdapter, spy, out).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isReparamError(err)).toBe(true);
    expect((err as { code: string }).code).toBe(code);
    expect((err as Error).message).toMatch(message);
    expect(out.created).toEqual([]);
    if (code === "TFJS_PATH_ESCAPE") expect(opened).toEqual([]);
  });
});
