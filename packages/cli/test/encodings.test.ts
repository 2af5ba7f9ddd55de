// Issue #22 section 1: models that ship quantized or float16 weights keep their encoding with the
// default --dtype keep. Each fixture of tools/models/fixtures/encodings converts, runs equivalent on
// its real runtime (verify: every block within its bound, the whole models side by side), and its
// output is at most 1.1x the input's bytes with every tensor it did not fuse byte-identical.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { decodeModel, TensorProto_DataType } from "@reparam/onnx";
import { convertModel } from "../src/convert-model.js";
import { formatVerify, verifyModel } from "../src/verify-model.js";
import { ENCODING_FIXTURES } from "../../../tools/models/src/encodings/encoding-fixtures.js";
import { reparam } from "./run-cli.js";
import { storedTensors, storedTfjsTensors } from "./_stored-tensors.js";

const fixtures = fileURLToPath(new URL("../../../tools/models/fixtures/encodings/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "reparam-encodings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes of a model: the file, or a TF.js model.json and the shards its manifest names. */
function modelBytes(main: string): number {
  if (!main.endsWith(".json")) return statSync(main).size;
  const json = JSON.parse(readFileSync(main, "utf8")) as { weightsManifest: { paths: string[] }[] };
  const shards = json.weightsManifest.flatMap((g) => g.paths);
  return statSync(main).size + shards.reduce((n, p) => n + statSync(join(dirname(main), p)).size, 0);
}

/** A TF.js `NAME.json` model copied with its shards into `folder` as `model.json`; any other path as it is. */
function stagedAsModelJson(main: string, folder: string): string {
  if (!main.endsWith(".json") || basename(main) === "model.json") return main;
  mkdirSync(folder, { recursive: true });
  copyFileSync(main, join(folder, "model.json"));
  const json = JSON.parse(readFileSync(main, "utf8")) as { weightsManifest: { paths: string[] }[] };
  for (const p of json.weightsManifest.flatMap((g) => g.paths)) copyFileSync(join(dirname(main), p), join(folder, p));
  return join(folder, "model.json");
}

describe("conversions of quantized and float16 models", () => {
  for (const [i, f] of ENCODING_FIXTURES.entries()) {
    it(`keeps the encoding of ${f.main} (${f.encoding}), runs equivalent and passes verify`, async () => {
      const work = join(dir, `in-${i}`);
      // A copy of the fixture's folder, so that outputs written beside the input stay out of the repository.
      cpSync(dirname(join(fixtures, f.main)), work, { recursive: true });
      const input = join(work, basename(f.main));
      const output = join(dir, `out-${i}`, f.format === "onnx" ? "model.deploy.onnx" : "deploy");
      mkdirSync(dirname(output), { recursive: true });
      const converted = await convertModel(input, { output });
      const outMain = f.format === "onnx" ? converted.output : join(converted.output, "model.json");
      const before = modelBytes(input);
      const after = modelBytes(outMain);
      // validate loads a TF.js model from model.json: the original of a NAME.json model is staged as one.
      const original = stagedAsModelJson(input, join(dir, `verify-${i}`));
      const r = await verifyModel(original, converted.output, { backend: "cpu" });
      const rep = converted.report;
      const worst = Math.max(0, ...(rep.requantized ?? []).map((t) => t.relativeError));
      const used = Math.max(0, ...r.blocks.blocks.map((b) => ("used" in b ? (b.used ?? 0) : 0)));
      const whole = r.report?.samples.flatMap((s) => s.outputs.map((o) => o.used ?? 0)) ?? [];
      const scale = r.report?.tolerances.scale ?? 0;
      console.log(
        `${f.main}: ${before} -> ${after} bytes (${(after / before).toFixed(3)}x), fused ${rep.fused.length}, refused ${rep.refused.length}, ` +
          `requantized ${rep.requantized?.length ?? 0} (max error ${(worst * 100).toFixed(3)}% of range), ` +
          `verify ${r.passed ? "passed" : "FAILED"} (blocks ${r.blocks.checked}, most of a bound used ${(used * 100).toFixed(1)}%; ` +
          `whole model within ${scale.toPrecision(3)} * max|b|, ${(Math.max(0, ...whole) * 100).toFixed(1)}% of it used)`,
      );
      expect(r.passed, formatVerify(r)).toBe(true);
      if (f.encoding === "qdq-int8") {
        // Never dequantized: every block stays, refused with the reason.
        expect(rep.fused).toEqual([]);
        expect(rep.refused.length).toBeGreaterThan(0);
        for (const x of rep.refused) expect(x.message).toMatch(/DequantizeLinear/);
      } else expect(rep.fused.length).toBeGreaterThan(0);
      if (f.encoding === "qdq-int8-exact") {
        // Folded through the DequantizeLinear: the fused Conv reads the same int8 kernel, only its bias is new.
        const g = decodeModel(readFileSync(outMain)).graph!;
        expect(g.node.map((n) => n.opType)).toEqual(["DequantizeLinear", "Conv", "Relu"]);
        expect(g.node[1]!.input[1]).toBe(g.node[0]!.output[0]);
        expect(g.initializer.filter((t) => t.dataType === TensorProto_DataType.INT8).map((t) => t.name)).toEqual([
          "conv.weight_quantized",
        ]);
      }
      if (f.format === "onnx" && f.encoding === "float16") {
        // Every weight float16, the fused ones included (none came back float32).
        const types = decodeModel(readFileSync(outMain)).graph!.initializer.map((t) => t.dataType);
        expect(types.filter((t) => t === TensorProto_DataType.FLOAT)).toEqual([]);
        expect(types.filter((t) => t === TensorProto_DataType.FLOAT16).length).toBeGreaterThan(2 * rep.fused.length);
      }
      if (f.format === "tfjs") {
        const json = JSON.parse(readFileSync(outMain, "utf8")) as {
          weightsManifest: { weights: { name: string; quantization?: { dtype: string } }[] }[];
        };
        const fused = json.weightsManifest[0]!.weights.filter((w) => /reparam_conv\/(kernel|bias)$/.test(w.name));
        expect(fused.length).toBe(2 * rep.fused.length);
        for (const w of fused) expect(w.quantization?.dtype, w.name).toBe(f.encoding);
      }
      expect(after / before).toBeLessThanOrEqual(1.1);
      const stored = (m: string) => (f.format === "onnx" ? Promise.resolve(storedTensors(m)) : storedTfjsTensors(m));
      const kept = await stored(input);
      const out = await stored(outMain);
      let same = 0;
      for (const [name, bytes] of out) {
        const was = kept.get(name);
        if (was === undefined) continue;
        expect(Buffer.compare(was, bytes), name).toBe(0);
        same++;
      }
      expect(same).toBeGreaterThan(0);
    }, 300_000);
  }
});

describe("verify on wrong re-quantized models", () => {
  for (const encoding of ["uint8", "uint16"] as const) {
    it(`rejects a ${encoding} model whose fused kernel's grid moved by two steps, naming the block`, async () => {
      const input = join(fixtures, `tfjs-layers-${encoding}/model.json`);
      const output = join(dir, `wrong-${encoding}`);
      const converted = await convertModel(input, { output });
      const main = join(converted.output, "model.json");
      const json = JSON.parse(readFileSync(main, "utf8")) as {
        weightsManifest: { weights: { name: string; quantization?: { min: number; scale: number } }[] }[];
      };
      const w = json.weightsManifest[0]!.weights.find((x) => x.name.endsWith("_reparam_conv/kernel"))!;
      w.quantization!.min += 2 * w.quantization!.scale;
      writeFileSync(main, JSON.stringify(json));
      const r = await verifyModel(input, converted.output, { backend: "cpu" });
      expect(r.passed).toBe(false);
      const block = w.name.replace(/_reparam_conv\/kernel$/, "");
      expect(r.blocks.blocks.find((b) => b.name === block)?.status).toBe("failed");
    }, 300_000);
  }
});

describe("reparam convert and verify on a uint8 model", () => {
  it("prints the re-quantization line and passes verify with the default rules", () => {
    const out = join(dir, "cli-uint8");
    const c = reparam("convert", join(fixtures, "tfjs-layers-uint8"), "-o", out);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(
      /^re-quantized: 14 fused tensors \(uint8, fresh range\), max error 0\.19\d% of a tensor's range/m,
    );
    const v = reparam("verify", join(fixtures, "tfjs-layers-uint8"), out);
    expect(v.code, v.stdout).toBe(0);
    const j = reparam("convert", join(fixtures, "tfjs-layers-uint8"), "-o", `${out}-json`, "--json");
    const report = (JSON.parse(j.stdout) as { report: { requantized: { dtype: string; relativeError: number }[] } })
      .report;
    expect(report.requantized.map((t) => t.dtype)).toEqual(Array(14).fill("uint8"));
    for (const t of report.requantized) expect(t.relativeError).toBeLessThanOrEqual(1 / 510 + 1e-6);
  });
});

describe("conversions with a forced dtype", () => {
  it("writes float32 fused weights from weights stored float16 behind a Cast when dtype is f32", async () => {
    const output = join(dir, "f32-from-float16-weights.onnx");
    const converted = await convertModel(join(fixtures, "float16-weights.onnx"), { output, dtype: "f32" });
    const graph = decodeModel(readFileSync(converted.output)).graph!;
    const fused = graph.initializer.filter((t) => /reparam/.test(t.name));
    expect(fused.length).toBe(2 * converted.report.fused.length);
    for (const t of fused) expect(t.dataType, t.name).toBe(TensorProto_DataType.FLOAT);
  });
});
