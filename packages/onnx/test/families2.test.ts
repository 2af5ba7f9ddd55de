import { describe, expect, it } from "vitest";
import { decodeModel, type ModelProto } from "../src/index.js";
import { familyCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convert } from "./_convert.js";
import { expectFixtureOutput } from "./_fixture-output.js";

// The long tail of #23 (../shared/conformance/families2). Every conversion must keep the
// output (within 1e-5 * max|output|), whatever it fuses: the two `expect: "refuse"` cases
// hold merges that would be wrong. The families the graph matcher already collapses whole
// are pinned to the deploy form's op counts (`expect_onnx`); the others are #23's work.
const cases = familyCases("families2");
const variants = cases.flatMap((c) => (["train", "train_unfolded"] as const).map((v) => [c.name, v, c] as const));
const WHOLE = new Set([
  "rtdetr_repvgg",
  "yolov10_repvggdw",
  "repghost",
  "ghostnetv3",
  "pplcnetv3",
  "mobileclip_text",
  "nextvit_prebn",
  "doctr_fast",
  "ecbsr",
  "span_conv3xc",
  "repnext",
  "orepa", // its kernel generation (Einsum etc.) folds to the conv's constant kernel: Conv + BN then fuse
  "refuse_span",
  "refuse_vanillanet",
]);
const count = (m: ModelProto, ops: readonly string[]) => m.graph!.node.filter((n) => ops.includes(n.opType)).length;
/** What the fixtures' `expect_onnx` counts: Conv, Gemm and MatMul nodes, and BatchNormalization nodes. */
const counts = (m: ModelProto) => ({
  conv_gemm_matmul: count(m, ["Conv", "Gemm", "MatMul"]),
  batchnorm: count(m, ["BatchNormalization"]),
});
const convs = (m: ModelProto) => m.graph!.node.filter((n) => n.opType === "Conv").length;

describe("long-tail family fixtures through the ONNX adapter", () => {
  it.each(variants)("%s.%s: keeps the output within 1e-5, fused or not", async (name, variant, c) => {
    const out = await convert(fixtureBytes(c.onnx[variant]));
    await expectFixtureOutput(out, c, `${name}.${variant} (fused ${out.report.fused.length})`);
    // A must-not-merge region keeps its convs: as many as the deploy reference has.
    if (c.expect === "refuse") expect(convs(out.model)).toBe(convs(decodeModel(fixtureBytes(c.onnx.deploy))));
  });

  it.each(variants.filter(([name]) => WHOLE.has(name)))(
    "%s.%s: collapses to the deploy form's Conv / Gemm / MatMul and BatchNormalization counts",
    async (_, variant, c) => {
      const out = await convert(fixtureBytes(c.onnx[variant]));
      expect(counts(out.model)).toEqual(c.expect_onnx);
    },
  );

  it.each(variants.filter(([name]) => !WHOLE.has(name)))(
    "%s.%s: keeps at least the deploy form's Conv / Gemm / MatMul count (merges nothing it should not)",
    async (_, variant, c) => {
      const out = await convert(fixtureBytes(c.onnx[variant]));
      const want = c.expect_onnx as { conv_gemm_matmul: number };
      expect(counts(out.model).conv_gemm_matmul).toBeGreaterThanOrEqual(want.conv_gemm_matmul);
    },
  );
});
