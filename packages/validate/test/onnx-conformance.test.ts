// Golden tests on the conformance fixtures: every train/deploy ONNX pair
// validates on the default backend chain (onnxruntime-node CPU here, after
// the WebGPU EP is skipped for want of a GPU).
import { describe, expect, it } from "vitest";
import { conformanceCases, fixturesDir } from "../../../tools/conformance/src/index.js";
import { formatValidationReport, validateConversion } from "../src/index.js";

const cases = conformanceCases();

describe("validateConversion on the conformance ONNX pairs", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s: passes train vs deploy", async (_name, c) => {
    const report = await validateConversion(`${fixturesDir}${c.onnx.train}`, `${fixturesDir}${c.onnx.deploy}`, {
      count: 3,
    });
    expect(report.problems).toEqual([]);
    expect(report.passed, formatValidationReport(report)).toBe(true);
    expect(report.samples).toHaveLength(3);
    for (const s of report.samples) {
      expect(s.inputs[0]!.shape).toEqual(c.input.shape);
      expect(s.outputs[0]!.shape).toEqual(c.output.shape);
      // The reference deploy nets stay under 2e-6 of max|output| (fixtures README): a fifth of the 1e-5 allowance.
      expect(s.outputs[0]!.used!).toBeLessThan(0.25);
    }
  });

  it("passes the unfolded train export (Conv -> BatchNormalization) against deploy too", async () => {
    const c = cases[0]!;
    const report = await validateConversion(`${fixturesDir}${c.onnx.train_unfolded}`, `${fixturesDir}${c.onnx.deploy}`);
    expect(report.passed).toBe(true);
  });

  it("reproduces the fixture's output from its own input file (raw float32)", async () => {
    const c = cases[0]!;
    const report = await validateConversion(`${fixturesDir}${c.onnx.train}`, `${fixturesDir}${c.onnx.deploy}`, {
      inputs: [`${fixturesDir}${c.input.file}`],
    });
    expect(report.passed).toBe(true);
    expect(report.samples).toHaveLength(1);
    expect(report.samples[0]!.label).toBe(`${fixturesDir}${c.input.file}`);
    const cls = report.samples[0]!.outputs[0]!.classifier!;
    expect(cls).toMatchObject({ rows: 1, argmaxAgree: 1, k: 5, topKAgree: 1 });
  });
});
