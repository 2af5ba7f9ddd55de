import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { memoryInput, memoryOutput, reparameterize, type ConvertOptions, type FormatAdapter } from "@reparam/core";
import { parallelFuser } from "@reparam/core/node";
import { afterAll, describe, expect, it } from "vitest";
import { formats } from "../src/known-formats.js";

// Pins the bytes every conformance input converts to (SHA-256 of each output file), so that a change
// meant to be about speed or memory cannot change an output unnoticed. The outputs were checked against
// the references (ulp, 1e-5) by the adapters' conformance tests when the hashes were taken; after a
// change that is meant to change outputs, run with UPDATE_GOLDEN=1 and review the diff of the JSON.
const fixtures = fileURLToPath(new URL("../../../tools/conformance/fixtures/", import.meta.url));
const goldenFile = fileURLToPath(new URL("./golden-outputs.json", import.meta.url));

/** Every conformance input: train ONNX and safetensors files, TF.js model folders, .pth files. */
function inputs(): { label: string; folder: string; main: string }[] {
  const out: { label: string; folder: string; main: string }[] = [];
  for (const f of readdirSync(fixtures).sort())
    if (/\.train[^.]*\.(onnx|safetensors)$/.test(f)) out.push({ label: f, folder: fixtures, main: f });
  for (const c of readdirSync(join(fixtures, "tfjs")).sort()) {
    const dir = join(fixtures, "tfjs", c);
    if (!statSync(dir).isDirectory()) continue;
    for (const v of ["layers", "layers-sharded", "graph"])
      if (existsSync(join(dir, v, "model.json")))
        out.push({ label: `tfjs/${c}/${v}`, folder: join(dir, v), main: "model.json" });
  }
  for (const f of readdirSync(join(fixtures, "pth")).sort())
    if (f.endsWith(".pth")) out.push({ label: `pth/${f}`, folder: join(fixtures, "pth"), main: f });
  return out;
}

async function adapterFor(name: string, head: Uint8Array): Promise<FormatAdapter<unknown>> {
  const known = formats.find((f) => f.detect(name, head));
  if (known === undefined) throw new Error(`no format for ${name}`);
  return known.load();
}

/** `{ file name: sha256 }` of what converting the input writes. */
async function convertHashes(
  folder: string,
  main: string,
  options: ConvertOptions = {},
): Promise<Record<string, string>> {
  const bytes = new Uint8Array(readFileSync(join(folder, main)));
  const siblings: Record<string, Uint8Array> = {};
  if (main === "model.json")
    for (const f of readdirSync(folder)) if (f !== main) siblings[f] = new Uint8Array(readFileSync(join(folder, f)));
  const adapter = await adapterFor(main, bytes.subarray(0, 64));
  const output = memoryOutput(main);
  await reparameterize(adapter, memoryInput(main, bytes, siblings), output, options);
  const hashes: Record<string, string> = {};
  for (const name of [...output.files.keys()].sort())
    hashes[name] = createHash("sha256").update(output.files.get(name)!).digest("hex");
  return hashes;
}

describe("conversion outputs", () => {
  it("keeps the bytes every conformance input converts to (SHA-256 per output file)", async () => {
    const got: Record<string, Record<string, string>> = {};
    for (const i of inputs()) got[i.label] = await convertHashes(i.folder, i.main);
    expect(Object.keys(got).length).toBeGreaterThan(40);
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(goldenFile, `${JSON.stringify(got, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(goldenFile, "utf8")) as typeof got;
    expect(got).toEqual(golden);
  });

  // minWork 0, minIntensity 0: every block of two output channels or more is fused half on the worker thread.
  const parallel = parallelFuser({ minWork: 0, minIntensity: 0 });
  afterAll(() => parallel.close());

  it("keeps the same bytes when every block is fused half on a worker thread (--threads 2)", async () => {
    const golden = JSON.parse(readFileSync(goldenFile, "utf8")) as Record<string, Record<string, string>>;
    const before = parallel.workerRows;
    const got: Record<string, Record<string, string>> = {};
    for (const i of inputs()) got[i.label] = await convertHashes(i.folder, i.main, { fuser: parallel.fuse });
    expect(parallel.workerRows - before).toBeGreaterThan(1000);
    expect(got).toEqual(golden);
  });
});
