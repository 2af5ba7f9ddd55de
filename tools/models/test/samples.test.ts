import { readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkGraph, decodeModel } from "@reparam/onnx";
import { afterAll, describe, expect, it } from "vitest";
import { architecture } from "../src/arch/architectures.js";
import { generateModel } from "../src/generate-model.js";
import { runOnnx } from "./run-onnx.js";
import { sameBytes, sampleInput } from "./small-archs.js";

const SAMPLES = fileURLToPath(new URL("../samples/", import.meta.url));
const read = (path: string) => new Uint8Array(readFileSync(join(SAMPLES, path)));
const tmp = await mkdtemp(join(tmpdir(), "reparam-models-"));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("the committed samples folder", () => {
  it("matches what scripts/samples.sh generates (seed 0), each file under 1 MB", async () => {
    const arch = architecture("repvgg-sample");
    for (const [format, path] of [
      ["onnx", "repvgg-sample.onnx"],
      ["safetensors", "repvgg-sample.safetensors"],
    ] as const) {
      const out = join(tmp, path);
      await generateModel(arch, { format, out, seed: 0 });
      expect(sameBytes(new Uint8Array(readFileSync(out)), read(path)), path).toBe(true);
      expect(statSync(join(SAMPLES, path)).size).toBeLessThan(1 << 20);
    }
    const dir = join(tmp, "tfjs");
    await generateModel(arch, { format: "tfjs-layers", out: dir, seed: 0 });
    const files = readdirSync(join(SAMPLES, "repvgg-sample-tfjs")).sort();
    expect(files).toEqual(["group1-shard1of1.bin", "model.json"]);
    expect(readdirSync(dir).sort()).toEqual(files);
    let total = 0;
    for (const f of files) {
      expect(sameBytes(new Uint8Array(readFileSync(join(dir, f))), read(`repvgg-sample-tfjs/${f}`)), f).toBe(true);
      total += statSync(join(SAMPLES, "repvgg-sample-tfjs", f)).size;
    }
    expect(total).toBeLessThan(1 << 20);
  });

  it("holds repvgg-sample.onnx, a train-form (Conv + BatchNormalization) graph that runs in onnxruntime-node", async () => {
    const bytes = read("repvgg-sample.onnx");
    const model = decodeModel(bytes);
    checkGraph(model);
    const ops = model.graph!.node.map((n) => n.opType);
    expect(ops.filter((o) => o === "Conv")).toHaveLength(14);
    expect(ops.filter((o) => o === "BatchNormalization")).toHaveLength(17);
    const y = await runOnnx(bytes, sampleInput(3, 32), [1, 3, 32, 32]);
    expect(y.dims).toEqual([1, 10]);
    expect(y.data.every(Number.isFinite)).toBe(true);
  });
});
