// TF.js conformance models: the train-time layers model and the expected
// re-parameterized one (layers-deploy) agree on TF.js's CPU and wasm backends.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturesDir } from "../../../tools/conformance/src/index.js";
import { formatValidationReport, validateConversion } from "../src/index.js";

interface TfjsCase {
  readonly name: string;
  readonly input: { readonly file: string; readonly shape: number[] };
  readonly output: { readonly shape: number[] };
}
const dir = `${fixturesDir}tfjs/`;
const cases = (JSON.parse(readFileSync(`${dir}manifest.json`, "utf8")) as { cases: TfjsCase[] }).cases;
const table = cases.flatMap((c) => (["cpu", "wasm"] as const).map((b) => [c.name, b, c] as const));

describe("validateConversion on TF.js layers vs layers-deploy", () => {
  it.each(table)("%s on %s: passes", async (name, backend, c) => {
    const report = await validateConversion(`${dir}${name}/layers`, `${dir}${name}/layers-deploy/model.json`, {
      backend,
      count: 2,
    });
    expect(report.passed, formatValidationReport(report)).toBe(true);
    expect(report).toMatchObject({ format: "tfjs", backend, runtime: "tfjs", skipped: [] });
    const first = report.samples[0]!;
    expect(first.inputs[0]!.shape).toEqual(c.input.shape);
    expect(first.outputs[0]!.shape).toEqual(c.output.shape);
  });

  it("skips the WebGPU backend with auto without a GPU, and runs on wasm", async () => {
    const report = await validateConversion(`${dir}acnet/layers`, `${dir}acnet/layers-deploy`, { count: 1 });
    if (report.backend === "webgpu") return; // a machine with a GPU
    expect(report).toMatchObject({ backend: "wasm", passed: true });
    expect(report.skipped[0]).toMatchObject({ backend: "webgpu", runtime: "tfjs" });
    expect(report.skipped[0]!.reason).toMatch(/no GPU adapter/);
  });

  it("passes the graph model (converter-style, BN folded) against layers-deploy", async () => {
    const report = await validateConversion(`${dir}acnet/graph`, `${dir}acnet/layers-deploy`, {
      backend: "cpu",
      count: 1,
    });
    expect(report.passed, formatValidationReport(report)).toBe(true);
  });

  it("reproduces the manifest's numbers from the fixture's NHWC input file", async () => {
    const c = cases[0]!;
    const report = await validateConversion(`${dir}${c.name}/layers`, `${dir}${c.name}/layers-deploy`, {
      backend: "cpu",
      inputs: [`${dir}${c.input.file}`],
    });
    expect(report.passed).toBe(true);
    expect(report.samples[0]!.outputs[0]!.absError!.max).toBeLessThan(1e-6);
  });
});
