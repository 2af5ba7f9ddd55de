import { collectSink } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { emitFamilyTfjs } from "../../../tools/models/src/families/emit-family-tfjs.js";
import {
  FAMILIES2_DIR,
  FAMILIES2_LAYERS,
  type Family2Case,
  families2Cases,
  family2Net,
  nhwcShape,
} from "../../../tools/models/src/families/families2.js";
import { memoryFiles } from "../src/index.js";
import { convertAndRun, opsOf } from "./convert.js";
import { maxRelDiff, runTfjsModel } from "./run-model.js";
import { nhwcFixture } from "./_nhwc-fixture.js";

const TOLERANCE = 1e-5;
const cases = (await families2Cases()).filter((c) => FAMILIES2_LAYERS.includes(c.name)) as (Family2Case & {
  expect_onnx: { conv_gemm_matmul: number; batchnorm: number };
})[];

const nhwc = (file: string, shape: readonly number[]) => nhwcFixture(FAMILIES2_DIR, file, shape);

/** The layers model of a case, in memory. */
async function layersModel(c: Family2Case) {
  const { net, dict } = await family2Net(c);
  const files = new Map<string, Uint8Array>();
  await emitFamilyTfjs(net, dict, "layers", nhwcShape(c.output.shape), (path) => {
    const sink = collectSink();
    return Promise.resolve({ write: sink.write, close: () => Promise.resolve(files.set(path, sink.bytes())) });
  });
  return { modelJson: files.get("model.json")!, files: memoryFiles(files) };
}

const CONVS = new Set(["Conv2D", "DepthwiseConv2D", "Dense"]);

describe("tfjsAdapter on the families2 layers models", () => {
  it("writes a layers model for each families2 case that plain Keras layers compute", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(
      ["doctr_fast", "ghostnetv3", "refuse_vanillanet", "repghost", "rtdetr_repvgg", "yolov10_repvggdw"].sort(),
    );
  });

  for (const c of cases) {
    const x = nhwc(`${c.name}.input.bin`, c.input.shape);
    const want = nhwc(`${c.name}.output.bin`, c.output.shape);

    it(`computes ${c.name}'s output.bin as a layers model before conversion (NHWC, 1e-5 of max |output|)`, async () => {
      const ratio = maxRelDiff(await runTfjsModel(await layersModel(c), x.data, x.shape, "cpu"), want.data);
      console.log(`families2 layers ${c.name} original: ratio ${ratio.toExponential(3)}`);
      expect(ratio).toBeLessThanOrEqual(TOLERANCE);
    });

    it(`converts ${c.name} (layers) to the deploy form's conv count with no BatchNormalization, computing output.bin`, async () => {
      const source = await layersModel(c);
      const before = opsOf(JSON.parse(new TextDecoder().decode(source.modelJson)));
      const r = await convertAndRun(source, x.data, x.shape, {}, "cpu", want.data);
      const ops = opsOf(r.json);
      const convs = ops.filter((o) => CONVS.has(o)).length;
      const bns = (o: string[]) => o.filter((l) => l === "BatchNormalization").length;
      console.log(
        `families2 layers ${c.name}: fused ${r.report.fused.length}, refused ${r.report.refused.length}, ` +
          `convs ${before.filter((o) => CONVS.has(o)).length} -> ${convs} (deploy ${c.expect_onnx.conv_gemm_matmul}), ` +
          `BN ${bns(before)} -> ${bns(ops)}, ratio ${r.ratio.toExponential(3)}`,
      );
      expect(r.ratio).toBeLessThanOrEqual(TOLERANCE);
      expect(r.report.refused).toEqual([]);
      expect(convs).toBe(c.expect_onnx.conv_gemm_matmul);
      expect(bns(ops)).toBe(c.expect_onnx.batchnorm);
      if (c.expect === "refuse") expect(convs).toBe(before.filter((o) => CONVS.has(o)).length);
    });
  }
});
