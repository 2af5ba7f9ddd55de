// Issue #22 section 2: verify runs every model that convert accepts. Each fixture of
// tools/models/fixtures/verify-inputs (symbolic dims, a size the graph fixes, an int64 scalar, an
// LSTM whose state has no declared shape, an If on a bool scalar, float16 and int32 images) is
// converted, then verified on onnxruntime against its conversion and against itself, untouched.
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { convertModel } from "../src/convert-model.js";
import { formatVerify, verifyModel } from "../src/verify-model.js";
import { reparam } from "./run-cli.js";

const fixtures = fileURLToPath(new URL("../../../tools/models/fixtures/verify-inputs/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "reparam-verify-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  readonly file: string;
  /** The shapes verify feeds, as `name [dims]`. */
  readonly fed: string;
  readonly shapes?: Record<string, number[]>;
  readonly values?: Record<string, number>;
}

const CASES: readonly Case[] = [
  { file: "symbolic-dims.onnx", fed: "x [1, 3, 64, 64]" },
  { file: "fixed-size.onnx", fed: "x [1, 3, 32, 32]" },
  { file: "int64-scalar.onnx", fed: "x [1, 3, 16, 16], sr []" },
  { file: "int64-scalar.onnx", fed: "x [1, 3, 16, 16], sr []", values: { sr: 16000 } },
  { file: "lstm.onnx", fed: "X [64, 1, 8], h0 [1, 1, 4], c0 [1, 1, 4]", shapes: { h0: [1, 1, 4], c0: [1, 1, 4] } },
  { file: "if.onnx", fed: "x [1, 3, 16, 16], flag []" },
  { file: "float16-image.onnx", fed: "image [1, 3, 16, 16]" },
  { file: "int32-image.onnx", fed: "image [1, 3, 16, 16]" },
];

describe("verify on models with symbolic dims and non-float32 inputs", () => {
  for (const [i, c] of CASES.entries()) {
    const opts = { ...(c.shapes ? { shapes: c.shapes } : {}), ...(c.values ? { values: c.values } : {}) };
    it(`passes on ${c.file}${c.values ? " with --value" : ""}, converted and untouched, feeding ${c.fed}`, async () => {
      const input = join(dir, `in-${i}.onnx`);
      copyFileSync(join(fixtures, c.file), input);
      const converted = await convertModel(input, { output: join(dir, `out-${i}.onnx`) });
      for (const [label, other] of [
        ["converted", converted.output],
        ["untouched", input],
      ] as const) {
        const r = await verifyModel(input, other, { backend: "cpu", ...opts });
        const sample = r.report?.samples[0];
        const fed = sample?.inputs.map((x) => `${x.name} [${x.shape.join(", ")}]`).join(", ");
        console.log(
          `${c.file} ${label}: verify ${r.passed ? "passed" : "FAILED"}, fused ${converted.report.fused.length}, fed ${fed}`,
        );
        expect(r.passed, formatVerify(r)).toBe(true);
        expect(fed).toBe(c.fed);
        if (c.values) expect(Array.from(r.report!.samples.map((s) => s.label))).toHaveLength(2);
      }
      if (c.file !== "lstm.onnx") expect(converted.report.fused.length).toBe(1);
    });
  }

  it("passes on a TF.js graph model with an int32 image input, converted and untouched", async () => {
    const input = join(dir, "tfjs-int32-image");
    cpSync(join(fixtures, "tfjs-int32-image"), input, { recursive: true });
    const converted = await convertModel(input, { output: join(dir, "tfjs-int32-image-deploy") });
    for (const [label, other] of [
      ["converted", converted.output],
      ["untouched", input],
    ] as const) {
      const r = await verifyModel(input, other, { backend: "cpu" });
      const fed = r.report?.samples[0]?.inputs.map((x) => `${x.name} [${x.shape.join(", ")}]`).join(", ");
      console.log(
        `tfjs-int32-image ${label}: verify ${r.passed ? "passed" : "FAILED"}, fused ${converted.report.fused.length}, fed ${fed}`,
      );
      expect(r.passed, formatVerify(r)).toBe(true);
      expect(fed).toBe("input_1 [1, 24, 24, 3]");
    }
    expect(converted.report.fused.length).toBeGreaterThan(0);
  });

  it("names the inputs and the --shape flag when an unshaped input gets no shape", async () => {
    const e = await verifyModel(join(fixtures, "lstm.onnx"), join(fixtures, "lstm.onnx"), { backend: "cpu" }).catch(
      (x: unknown) => x,
    );
    expect((e as { code?: string }).code).toBe("VALIDATE_INPUT_SHAPE");
    expect((e as { hint?: string }).hint).toMatch(/--shape h0=d1,d2/);
  });

  it("takes --shape, --value and an integer .npy --input on the command line", () => {
    const lstm = join(fixtures, "lstm.onnx");
    const r = reparam("verify", lstm, lstm, "--backend", "cpu", "--shape", "h0=1,1,4", "--shape", "c0=1,1,4");
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/h0 \[1, 1, 4\]/);
    const sr = join(fixtures, "int64-scalar.onnx");
    const s = reparam("verify", sr, sr, "--backend", "cpu", "--value", "sr=16000", "--json");
    expect(s.code, s.stderr).toBe(0);
    const fixed = join(fixtures, "fixed-size.onnx");
    const f = reparam("verify", fixed, fixed, "--backend", "cpu");
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toMatch(/x \[1, 3, 32, 32\]/);
    // The sizes tried first fail inside onnxruntime: reported as errors, never logged natively.
    expect(f.stderr).toBe("");
    // An int32 image from a .npy file (magic, version 1.0, header length, header, data; 128 bytes before the data).
    const header = "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 3, 16, 16), }";
    const text = `${header.padEnd(128 - 10 - 1)}\n`;
    const npy = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0]),
      Buffer.from(text, "latin1"),
      Buffer.from(Int32Array.from({ length: 768 }, (_, i) => i % 256).buffer),
    ]);
    writeFileSync(join(dir, "image.npy"), npy);
    const img = join(fixtures, "int32-image.onnx");
    const n = reparam("verify", img, img, "--backend", "cpu", "--input", join(dir, "image.npy"));
    expect(n.code, n.stderr + n.stdout).toBe(0);
    expect(n.stdout).toMatch(/image\.npy/);
    const bad = reparam("verify", sr, sr, "--shape", "nope=1,2");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/VALIDATE_BAD_OPTION.*--shape names no model input/);
  });
});
