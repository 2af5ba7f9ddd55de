/// <reference types="node" />
// The re-parameterization families of tools/conformance/fixtures/families as TF.js graph and layers models, made by
// tools/models (`pnpm families`, fixtures/families-tfjs) from the fixtures' train weights: each converts with one conv
// (or MatMul / Dense) per block and nothing else of a block left, and the converted model computes the fixture's
// output.bin (NHWC) within 1e-5 of max |output| (float32 TF.js cpu on a float64 fusion rounded once); converting
// that again changes nothing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convertAndRun, opsOf } from "./convert.js";
import { dirFiles } from "./fixtures.js";
import { nhwcFixture } from "./_nhwc-fixture.js";

const TOOLS = new URL("../../../tools/", import.meta.url).pathname;
const FAMILIES = join(TOOLS, "conformance/fixtures/families");
const TFJS = join(TOOLS, "models/fixtures/families-tfjs");
const TOLERANCE = 1e-5;

interface FamilyCase {
  readonly name: string;
  readonly input: { readonly shape: number[] };
  readonly output: { readonly shape: number[] };
  readonly blocks: number;
  /** Op counts of the ONNX deploy model (Conv / Gemm / MatMul: one per block, plus FastViT's stem). */
  readonly deploy_onnx_ops: Record<string, number>;
}

const { cases } = JSON.parse(readFileSync(join(FAMILIES, "manifest.json"), "utf8")) as { cases: FamilyCase[] };

const nhwc = (file: string, shape: readonly number[]) => nhwcFixture(FAMILIES, file, shape);

const LINEAR_OPS = new Set([
  "Conv2D",
  "_FusedConv2D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative",
  "MatMul",
  "_FusedMatMul",
  "DepthwiseConv2D",
  "Dense",
]);
/** What a fused block must not leave: BNs, sums, differences, constant scales (a Mul is SiLU's only). */
const BLOCK_OPS = new Set(["FusedBatchNormV3", "AddV2", "Add", "AddN", "Sub", "BiasAdd", "BatchNormalization"]);

describe("tfjsAdapter on the re-parameterization families", () => {
  for (const c of cases) {
    for (const format of ["graph", "layers"] as const) {
      const dir = join(TFJS, c.name, format);
      if (!existsSync(join(dir, "model.json"))) continue; // no layers model (see its README)
      it(`fuses ${c.name} (${format}) into one conv or MatMul per block and computes output.bin`, async () => {
        const x = nhwc(`${c.name}.input.bin`, c.input.shape);
        const want = nhwc(`${c.name}.output.bin`, c.output.shape);
        const source = { modelJson: new Uint8Array(readFileSync(join(dir, "model.json"))), files: dirFiles(dir) };
        const r = await convertAndRun(source, x.data, x.shape, {}, "cpu", want.data);
        expect(r.report.refused).toEqual([]);
        expect(r.report.fused.length).toBe(c.blocks);
        const ops = opsOf(r.json);
        const d = c.deploy_onnx_ops;
        expect(ops.filter((o) => LINEAR_OPS.has(o)).length).toBe((d.Conv ?? 0) + (d.Gemm ?? 0) + (d.MatMul ?? 0));
        expect(ops.filter((o) => BLOCK_OPS.has(o))).toEqual([]);
        expect(ops.filter((o) => o === "Mul" || o === "Multiply").length).toBe(
          ops.filter((o) => o === "Sigmoid").length,
        );
        expect(r.ratio).toBeLessThanOrEqual(TOLERANCE);
        // The deploy form has nothing left to fuse: converting it again changes no byte.
        const again = await convertAndRun(r.output, x.data, x.shape, {}, "cpu", want.data);
        expect(again.report.fused).toEqual([]);
        expect(again.report.refused).toEqual([]);
        expect(again.output.written).toEqual(r.output.written);
      });
    }
  }
});
