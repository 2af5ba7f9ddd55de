// A deploy model with one weight off by 1e-2 must fail validation, and the
// report must point at the damage.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel, type TensorProto } from "@reparam/onnx";
import { conformanceCases, fixturesDir, type ConformanceCase } from "../../../tools/conformance/src/index.js";
import { formatValidationReport, validateConversion } from "../src/index.js";

/** The deploy model with element `index` of the initializer `pick` chooses changed by `delta` (float32 raw data). */
function corrupt(path: string, delta: number, pick: (inits: TensorProto[]) => TensorProto, index: number): Uint8Array {
  const b = readFileSync(path);
  const model = decodeModel(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  const t = pick(model.graph!.initializer.filter((x) => x.rawData.byteLength > 0));
  const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
  view.setFloat32(index * 4, view.getFloat32(index * 4, true) + delta, true);
  return encodeModel(model);
}

const kernels = (inits: TensorProto[]) => inits.filter((t) => t.dims.length === 4);
const firstKernel = (inits: TensorProto[]) => kernels(inits)[0]!;
const lastKernel = (inits: TensorProto[]) => kernels(inits).at(-1)!;
const lastBias = (inits: TensorProto[]) => inits.filter((t) => t.dims.length === 1).at(-1)!;

/**
 * Feature-map outputs: the centre tap (index 4) of output channel 0, input
 * channel 0 of the first fused kernel, which reads the random input and so
 * never sits behind a dead ReLU channel. Classifier outputs [1, K]: the last
 * bias (a logit's), since after global pooling one first-layer weight moves
 * the logits by only ~1e-4, within tolerance, as it should.
 */
function corrupted(c: ConformanceCase): Uint8Array {
  const classifier = c.output.shape.length === 2;
  return corrupt(`${fixturesDir}${c.onnx.deploy}`, 1e-2, classifier ? lastBias : firstKernel, classifier ? 0 : 4);
}

describe("validateConversion on a corrupted deploy model", () => {
  it.each(conformanceCases().map((c) => [c.name, c] as const))(
    "%s: fails a deploy model with one weight + 1e-2",
    async (_n, c) => {
      const report = await validateConversion(`${fixturesDir}${c.onnx.train}`, corrupted(c));
      expect(report.passed, formatValidationReport(report)).toBe(false);
      expect(report.converted).toMatch(/^<\d+ bytes>$/);
      for (const o of report.samples.flatMap((s) => s.outputs)) {
        expect(o.passed).toBe(false);
        expect(o.mismatched).toBeGreaterThan(0);
        expect(o.problems.join(" ")).toMatch(/elements outside 0.00001 \* max\|b\|/);
        // The damage needs more than the whole allowance.
        expect(o.used!).toBeGreaterThan(1);
      }
    },
  );

  it("reports a classifier's damaged logit as the worst element", async () => {
    const c = conformanceCases().find((x) => x.output.shape.length === 2)!;
    const report = await validateConversion(`${fixturesDir}${c.onnx.train}`, corrupted(c), { count: 1 });
    const o = report.samples[0]!.outputs[0]!;
    expect(o.worst).toMatchObject({ index: 0, at: [0, 0] });
    expect(o.worst!.absError).toBeCloseTo(1e-2, 5);
    expect(o.mismatched).toBe(1);
  });

  it("locates the worst element of a conv output in the damaged output channel", async () => {
    const c = conformanceCases().find((x) => x.name === "acnet")!;
    const bytes = corrupt(`${fixturesDir}${c.onnx.deploy}`, 1e-2, lastKernel, 0);
    const report = await validateConversion(`${fixturesDir}${c.onnx.train}`, bytes, { count: 1 });
    const o = report.samples[0]!.outputs[0]!;
    expect(o.passed).toBe(false);
    expect(o.worst!.at).toHaveLength(4);
    expect(o.worst!.at[1]).toBe(0); // element 0 of the last kernel belongs to output channel 0
  });

  it("passes an unchanged re-encoded deploy model (the corruption, not the codec, fails it)", async () => {
    const c = conformanceCases()[0]!;
    const bytes = corrupt(`${fixturesDir}${c.onnx.deploy}`, 0, firstKernel, 4);
    expect((await validateConversion(`${fixturesDir}${c.onnx.train}`, bytes)).passed).toBe(true);
  });
});
