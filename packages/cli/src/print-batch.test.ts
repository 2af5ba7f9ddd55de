import type { ConversionReport } from "@reparam/core";
import { describe, expect, it } from "vitest";
import type { BatchEntry } from "./convert-batch.js";
import { batchExitCode, formatBatchLine, formatBatchTable, shown } from "./print-batch.js";

const report = {
  fused: [{}, {}],
  refused: [{}],
  parameters: { before: 12_500, after: 2_000_000 },
} as unknown as ConversionReport;
const ok: BatchEntry = {
  status: "ok",
  command: "convert",
  input: "/m/a.onnx",
  output: "/m/a.deploy.onnx",
  format: "onnx",
  seconds: 0.5,
  bytes: { input: 1, output: 1 },
  report,
  warnings: [],
};
const mismatch: BatchEntry = { ...ok, input: "/m/b.onnx", status: "mismatch" };
const error: BatchEntry = {
  status: "error",
  input: "/m/c.onnx",
  format: "onnx",
  seconds: 0.01,
  error: { code: "ONNX_DECODE", message: "malformed", hint: "check the file" },
};
const bug: BatchEntry = {
  status: "error",
  input: "/m/d.onnx",
  seconds: 0,
  error: { code: "BUG", message: "x" },
  bug: true,
};

describe("batch printing", () => {
  it("gives exit 2 for a bug, else 1 for a failed model, else 3 for a mismatch, else 0", () => {
    expect(batchExitCode([ok, mismatch, error, bug])).toBe(2);
    expect(batchExitCode([ok, mismatch, error])).toBe(1);
    expect(batchExitCode([ok, mismatch])).toBe(3);
    expect(batchExitCode([ok])).toBe(0);
    expect(batchExitCode([])).toBe(0);
  });

  it("prints one table row per model in order, with fused/refused, parameters, time and status", () => {
    const t = formatBatchTable([ok, error, mismatch], 1.234).split("\n");
    expect(t[0]).toMatch(/^model +format +fused\/refused +parameters +time +status$/);
    expect(t[2]).toMatch(/^\/m\/a\.onnx +onnx +2\/1 +12\.5k -> 2\.00M +0\.50 s +ok$/);
    expect(t[3]).toMatch(/^\/m\/c\.onnx +onnx +- +- +0\.01 s +error ONNX_DECODE$/);
    expect(t[4]).toMatch(/ mismatch$/);
    expect(t.at(-1)).toBe("1 converted, 2 failed, 1.23 s");
  });

  it("writes a finished model's line: what it wrote, or its error and hint as the CLI prints errors", () => {
    expect(formatBatchLine(ok)).toBe("converted /m/a.onnx -> /m/a.deploy.onnx (onnx, 2 fused, 1 refused, 0.50 s)");
    expect(formatBatchLine(mismatch)).toMatch(/, verify FAILED\)$/);
    expect(formatBatchLine(error)).toBe("/m/c.onnx: error ONNX_DECODE: malformed\nhint: check the file");
  });

  it("shows a path relative to the working folder only when it lies inside it", () => {
    expect(shown("/w/models/a.onnx", "/w")).toBe("models/a.onnx");
    expect(shown("/elsewhere/a.onnx", "/w")).toBe("/elsewhere/a.onnx");
    expect(shown("/w", "/w")).toBe("/w");
  });
});
