// Issue #17: verify passes every correct conversion (no false rejects) of every conformance case
// and every small model tools/models generates, in every format, networks with near-zero BN
// variances and eps 1e-3 included; the mutation walk is in verify-mutations.test.ts.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatVerify, verifyModel } from "../src/verify-model.js";
import { convertModel } from "../src/convert-model.js";
import { afterAll, describe, expect, it } from "vitest";
import { conformanceCorpus, generatedCorpus, type CorpusEntry } from "./_exactness-corpus.js";

const dir = mkdtempSync(join(tmpdir(), "reparam-exactness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function convertAndVerify(e: CorpusEntry, i: number): Promise<{ passed: boolean; text: string; fused: number }> {
  const options = e.eps === undefined ? {} : { eps: e.eps };
  const base = e.path.replace(/\/$/, "").split("/").pop()!;
  const folder = join(dir, `out-${i}`);
  mkdirSync(folder, { recursive: true }); // -o into a missing folder is an error
  const output = join(
    folder,
    base.includes(".") ? base.replace(/(\.safetensors|\.onnx)$/, ".deploy$1") : `${base}.deploy`,
  );
  const converted = await convertModel(e.path, { ...options, output });
  const r = await verifyModel(e.path, converted.output, { backend: "cpu" }, options);
  return { passed: r.passed, text: formatVerify(r), fused: r.blocks.checked };
}

describe("verify on correct conversions", () => {
  it("passes every conformance file, in every format and variant", async () => {
    const rejected: string[] = [];
    let blocks = 0;
    const corpus = conformanceCorpus();
    for (const [i, e] of corpus.entries()) {
      const r = await convertAndVerify(e, i);
      blocks += r.fused;
      if (!r.passed) rejected.push(`${e.label}\n${r.text}`);
    }
    console.log(
      `verify: ${corpus.length} conformance conversions, ${blocks} fused blocks checked, false rejects ${rejected.length}`,
    );
    expect(rejected).toEqual([]);
    expect(blocks).toBeGreaterThan(150);
  }, 600_000);

  it("passes every small architecture of tools/models, in every format it writes", async () => {
    const corpus = await generatedCorpus(join(dir, "generated"));
    const rejected: string[] = [];
    let blocks = 0;
    for (const [i, e] of corpus.entries()) {
      const r = await convertAndVerify(e, 1000 + i);
      blocks += r.fused;
      if (!r.passed) rejected.push(`${e.label}\n${r.text}`);
    }
    console.log(
      `verify: ${corpus.length} generated conversions, ${blocks} fused blocks checked, false rejects ${rejected.length}`,
    );
    expect(rejected).toEqual([]);
    expect(corpus.length).toBeGreaterThan(50);
  }, 600_000);
});
