/// <reference types="node" />
// #23's long-tail families (tools/conformance/fixtures/families2) as TF.js graph models, made by tools/models
// (`pnpm families2`, fixtures/families2-tfjs) from each case's train graph and upstream train weights. The original
// and the converted model (TF.js cpu) both compute the fixture's output.bin (NHWC) within 1e-5 of max |output|; the
// families that collapse keep exactly the deploy form's conv / MatMul count and no BatchNorm (known gaps: GAPS); the
// two must-not-merge cases keep every conv, refuse_span's sequential regions refused for their border.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GraphDefJson, TfjsModelJson } from "../src/index.js";
import { convertAndRun, opsOf } from "./convert.js";
import { dirFiles } from "./fixtures.js";
import { maxRelDiff, runTfjsModel } from "./run-model.js";
import { nhwcFixture } from "./_nhwc-fixture.js";

const TOOLS = new URL("../../../tools/", import.meta.url).pathname;
const FAMILIES2 = join(TOOLS, "conformance/fixtures/families2");
const TFJS = join(TOOLS, "models/fixtures/families2-tfjs");
const TOLERANCE = 1e-5;

interface Family2Case {
  readonly name: string;
  readonly expect: "fuse" | "refuse";
  readonly input: { readonly shape: number[] };
  readonly output: { readonly shape: number[] };
  /** The ONNX deploy form's Conv / Gemm / MatMul and BatchNormalization counts. */
  readonly expect_onnx: { readonly conv_gemm_matmul: number; readonly batchnorm: number };
}

const { cases } = JSON.parse(readFileSync(join(FAMILIES2, "manifest.json"), "utf8")) as { cases: Family2Case[] };
const written = cases.filter((c) => existsSync(join(TFJS, c.name, "graph/model.json")));

const nhwc = (file: string, shape: readonly number[]) => nhwcFixture(FAMILIES2, file, shape);

const LINEAR_OPS = new Set([
  "Conv2D",
  "_FusedConv2D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative",
  "MatMul",
  "_FusedMatMul",
  "BatchMatMulV2",
]);
const CONV_OPS = new Set(["Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);
/** BNs left: FusedBatchNormV3 nodes and the generator's Mul + AddV2 spelling (`.../batchnorm/mul_1`). */
const batchNorms = (nodes: GraphDefJson["node"]) =>
  (nodes ?? []).filter((n) => n.op === "FusedBatchNormV3" || (n.op === "Mul" && n.name.endsWith("/batchnorm/mul_1")))
    .length;

/**
 * Known gaps of tfjsAdapter (#23): the case converts and keeps its output, but does not reach the deploy form. Each is
 * also an `it.fails` below, which starts failing (and must move out of here) once the adapter gets there.
 */
const GAPS: Record<string, string> = {};

/** The refusals a must-not-merge case must give: the true reason, one per region. */
const REFUSALS: Record<string, readonly string[]> = {
  // 1x1 (bias) -> 3x3 zero-padded -> 1x1: the 3x3 sees 0 at the border where the fused conv would see b1.
  refuse_span: ["SEQUENTIAL_BORDER", "SEQUENTIAL_BORDER", "SEQUENTIAL_BORDER", "SEQUENTIAL_BORDER"],
  // Nothing to refuse: the LeakyReLU(0.3) ends each region, so no block spans two convs.
  refuse_vanillanet: [],
};

describe("tfjsAdapter on the families2 graph models", () => {
  it("has a graph model for each family named in #23's TF.js part", () => {
    expect(written.map((c) => c.name).sort()).toEqual(
      [
        "doctr_fast",
        "ecbsr",
        "ghostnetv3",
        "mobileclip_text",
        "nextvit_prebn",
        "pplcnetv3",
        "refuse_span",
        "refuse_vanillanet",
        "repghost",
        "repnext",
        "rtdetr_repvgg",
        "span_conv3xc",
        "yolov10_repvggdw",
      ].sort(),
    );
  });

  for (const c of written) {
    for (const variant of ["graph", "graph-bn"]) {
      const dir = join(TFJS, c.name, variant);
      if (!existsSync(join(dir, "model.json"))) continue; // graph-bn: refuse_vanillanet only
      const source = () => ({ modelJson: new Uint8Array(readFileSync(join(dir, "model.json"))), files: dirFiles(dir) });
      const before = () => JSON.parse(new TextDecoder().decode(source().modelJson)) as TfjsModelJson;
      const x = nhwc(`${c.name}.input.bin`, c.input.shape);
      const want = nhwc(`${c.name}.output.bin`, c.output.shape);

      it(`computes ${c.name}'s output.bin before conversion (${variant}, NHWC, 1e-5 of max |output|)`, async () => {
        const got = await runTfjsModel(source(), x.data, x.shape, "cpu");
        const ratio = maxRelDiff(got, want.data);
        console.log(`families2 ${c.name} ${variant} original: ratio ${ratio.toExponential(3)}`);
        expect(ratio).toBeLessThanOrEqual(TOLERANCE);
      });

      const what =
        c.expect === "refuse"
          ? "keeps every conv (a merge here would be wrong), folds every BN into its conv"
          : c.name in GAPS
            ? "keeps at least the deploy form's conv / MatMul count and folds some of it"
            : "collapses to the deploy form's conv / MatMul count with no BatchNorm left";
      it(`converts ${c.name} (${variant}): ${what}, and computes output.bin`, async () => {
        const r = await convertAndRun(source(), x.data, x.shape, {}, "cpu", want.data);
        const nodes = (r.json.modelTopology as GraphDefJson).node;
        const ops = opsOf(r.json);
        const linear = ops.filter((o) => LINEAR_OPS.has(o)).length;
        const bnsBefore = batchNorms((before().modelTopology as GraphDefJson).node);
        console.log(
          `families2 ${c.name} ${variant}: fused ${r.report.fused.length}, refused ${r.report.refused.length}, ` +
            `linear ops ${linear} (deploy ${c.expect_onnx.conv_gemm_matmul}), BN ${bnsBefore} -> ${batchNorms(nodes)}, ` +
            `ratio ${r.ratio.toExponential(3)}`,
        );
        expect(r.ratio).toBeLessThanOrEqual(TOLERANCE);
        if (c.expect === "refuse") {
          const convsBefore = opsOf(before()).filter((o) => CONV_OPS.has(o)).length;
          expect(ops.filter((o) => CONV_OPS.has(o)).length).toBe(convsBefore);
          expect(linear).toBe(c.expect_onnx.conv_gemm_matmul);
          // Each BN folds into the conv before it (one single-branch block each), and nothing else fuses.
          expect(r.report.fused.length).toBe(bnsBefore);
          expect(batchNorms(nodes)).toBe(0);
          expect(r.report.refused.map((x) => x.reason)).toEqual(REFUSALS[c.name]);
        } else if (c.name in GAPS) {
          // Today's figures: no conv / MatMul below the deploy form's, some of the way there, no BN added.
          expect(linear).toBeGreaterThanOrEqual(c.expect_onnx.conv_gemm_matmul);
          expect(r.report.fused.length).toBeGreaterThan(0);
          expect(batchNorms(nodes)).toBeLessThanOrEqual(bnsBefore);
        } else {
          expect(r.report.refused).toEqual([]);
          expect(linear).toBe(c.expect_onnx.conv_gemm_matmul);
          expect(batchNorms(nodes)).toBe(c.expect_onnx.batchnorm);
        }
      });

      if (c.name in GAPS)
        it.fails(`reaches ${c.name}'s deploy form (${variant}; known gap: ${GAPS[c.name]})`, async () => {
          const r = await convertAndRun(source(), x.data, x.shape, {}, "cpu", want.data);
          const linear = opsOf(r.json).filter((o) => LINEAR_OPS.has(o)).length;
          expect([linear, batchNorms((r.json.modelTopology as GraphDefJson).node)]).toEqual([
            c.expect_onnx.conv_gemm_matmul,
            c.expect_onnx.batchnorm,
          ]);
        });
    }
  }
});
