// Backend choice and fallback. This machine has no GPU: asking for one must
// fall back to a CPU backend and say why, never crash.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isReparamError } from "@reparam/core";
import { conformanceCases, fixtureBytes, fixturesDir } from "../../../tools/conformance/src/index.js";
import { formatValidationReport, validateConversion, type ValidationReport } from "../src/index.js";

const c = conformanceCases().find((x) => x.name === "repvgg_groups")!;
const train = `${fixturesDir}${c.onnx.train}`;
const deploy = `${fixturesDir}${c.onnx.deploy}`;
const hasGpu = process.env.REPARAM_TEST_GPU === "1";

describe.skipIf(hasGpu)("validateConversion without a GPU", () => {
  it("falls back from backend gpu to onnxruntime-node CPU, with the WebGPU EP's reason", async () => {
    const report = await validateConversion(train, deploy, { backend: "gpu" });
    expect(report.passed).toBe(true);
    expect(report).toMatchObject({ requested: "gpu", backend: "cpu", runtime: "onnxruntime-node" });
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]).toMatchObject({ backend: "webgpu", runtime: "onnxruntime-node" });
    expect(report.skipped[0]!.reason).toMatch(/^original model: no GPU adapter: .*(WebGPU adapter|Vulkan loader)/);
    const text = formatValidationReport(report);
    expect(text).toContain("backend: onnxruntime-node cpu (asked for gpu)");
    expect(text).toMatch(/skipped onnxruntime-node webgpu: original model: no GPU adapter/);
  });

  it("falls back the same way with backend auto", async () => {
    const report = await validateConversion(train, deploy);
    expect(report).toMatchObject({ requested: "auto", backend: "cpu" });
    expect(report.skipped.map((s) => s.backend)).toEqual(["webgpu"]);
  });
});

describe("validateConversion with explicit backends", () => {
  it("starts at the CPU with backend cpu: nothing skipped", async () => {
    const report = await validateConversion(train, deploy, { backend: "cpu" });
    expect(report).toMatchObject({ backend: "cpu", runtime: "onnxruntime-node", skipped: [], passed: true });
  });

  it("runs onnxruntime-web with backend wasm, and gives the same verdict with nearly the same numbers", async () => {
    const wasm = await validateConversion(train, deploy, { backend: "wasm", count: 1 });
    const cpu = await validateConversion(train, deploy, { backend: "cpu", count: 1 });
    expect(wasm).toMatchObject({ backend: "wasm", runtime: "onnxruntime-web", skipped: [], passed: true });
    expect(wasm.samples[0]!.outputs[0]!.absError!.max).toBeLessThan(1e-5);
    expect(cpu.samples[0]!.outputs[0]!.absError!.max).toBeLessThan(1e-5);
  });

  it("fails a model no backend can load with VALIDATE_NO_BACKEND, listing every backend's reason", async () => {
    const garbage = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const err = await validateConversion(train, garbage, { backend: "cpu" }).catch((e: unknown) => e);
    expect(isReparamError(err) && err.code).toBe("VALIDATE_NO_BACKEND");
    expect((err as Error).message).toMatch(
      /onnxruntime-node cpu: converted model: .*; onnxruntime-web wasm: converted model: /,
    );
  });

  it("refuses models of two formats", async () => {
    const tfjs = `${fixturesDir}tfjs/acnet/layers`;
    const err = await validateConversion(train, tfjs).catch((e: unknown) => e);
    expect(isReparamError(err) && err.code).toBe("VALIDATE_FORMAT_MISMATCH");
  });
});

describe("the report", () => {
  it("is plain JSON data and carries latency when asked", async () => {
    const report = await validateConversion(train, deploy, { backend: "cpu", latencyRuns: 5, warmupRuns: 1, count: 1 });
    const copy = JSON.parse(JSON.stringify(report)) as ValidationReport;
    expect(copy).toEqual(report);
    const l = report.latency!;
    expect(l).toMatchObject({ runs: 5, warmup: 1 });
    expect(l.original.minMs).toBeLessThanOrEqual(l.original.medianMs);
    expect(l.original.medianMs).toBeLessThanOrEqual(l.original.maxMs);
    expect(l.speedup).toBeCloseTo(l.original.medianMs / l.converted.medianMs, 10);
    expect(formatValidationReport(report)).toMatch(/latency \(5 runs after 1 warm-up[\s\S]*speedup \d+\.\d\dx/);
  });

  it("takes .npy and raw inputs, several per run, and tighter tolerances", async () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-"));
    const raw = fixtureBytes(c.input.file);
    const header = `${`{'descr': '<f4', 'fortran_order': False, 'shape': (${c.input.shape.join(", ")}), }`.padEnd(118, " ")}\n`;
    const npy = new Uint8Array(10 + header.length + raw.length);
    npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
    npy.set(new TextEncoder().encode(header), 10);
    npy.set(raw, 10 + header.length);
    writeFileSync(join(dir, "x.npy"), npy);
    writeFileSync(join(dir, "x.bin"), raw);
    const report = await validateConversion(train, deploy, {
      inputs: [join(dir, "x.npy"), join(dir, "x.bin")],
      tolerances: { atol: 1e-5, rtol: 1e-5 },
    });
    expect(report.samples.map((s) => s.label)).toEqual([join(dir, "x.npy"), join(dir, "x.bin")]);
    expect(report.tolerances).toEqual({ atol: 1e-5, rtol: 1e-5, scale: 0 });
    expect(report.samples[0]!.outputs).toEqual(report.samples[1]!.outputs);
    expect(report.passed).toBe(true);
  });

  it("refuses an input file of the wrong size before running anything", async () => {
    const err = await validateConversion(train, deploy, {
      inputs: [{ bytes: new Uint8Array(12), label: "short.bin" }],
    }).catch((e: unknown) => e);
    expect(isReparamError(err) && err.code).toBe("VALIDATE_BAD_INPUT");
    expect((err as Error).message).toMatch(/short\.bin for input 'input'/);
  });
});
