import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FormatAdapter } from "@reparam/core";
import { onnxAdapter } from "@reparam/onnx";
import { safetensorsAdapter } from "@reparam/safetensors";
import { tfjsAdapter } from "@reparam/tfjs";
import { unzipSync } from "fflate";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRoot, buildPage } from "./build-page.js";
import { sharded, withExternalData } from "./model-variants.js";
import { openPage, type BufferFile, type PageDriver } from "./page-driver.js";
import { referenceConversion } from "./reference-conversion.js";
import { serveStatic, type StaticServer } from "./static-server.js";

const fixtures = join(appRoot, "../../tools/conformance/fixtures");
const file = (path: string, name = path.split("/").pop()!): BufferFile => ({
  name,
  buffer: readFileSync(join(fixtures, path)),
});

let server: StaticServer;
let driver: PageDriver;

beforeAll(async () => {
  server = await serveStatic(buildPage());
  driver = await openPage(server.url);
}, 120_000);

afterAll(async () => {
  await driver?.close();
  await server?.close();
});

/** The page's download equals the library's conversion of the same files, byte for byte. */
async function expectSameAsLibrary(
  adapter: FormatAdapter<unknown>,
  files: readonly BufferFile[],
  main: string,
  outputName: string,
  downloaded: Map<string, Uint8Array>,
): Promise<void> {
  const m = files.find((f) => f.name === main)!;
  const others = Object.fromEntries(files.filter((f) => f !== m).map((f) => [f.name, new Uint8Array(f.buffer)]));
  const reference = await referenceConversion(adapter, main, new Uint8Array(m.buffer), others, outputName);
  expect([...downloaded.keys()].sort()).toEqual([...reference.keys()].sort());
  for (const [path, bytes] of reference)
    expect(Buffer.from(downloaded.get(path)!).equals(Buffer.from(bytes))).toBe(true);
}

describe("the web page, in headless Chromium", () => {
  it("converts an ONNX model: same bytes as the library, runs to the fixture's output, verified", async () => {
    const files = [file("repvgg_tiny.train.onnx")];
    const run = await driver.run(files);
    expect(run.status).toBe("done");
    expect(run.download?.name).toBe("repvgg_tiny.train.deploy.onnx");
    const bytes = run.download!.bytes;
    await expectSameAsLibrary(
      onnxAdapter as FormatAdapter<unknown>,
      files,
      files[0]!.name,
      run.download!.name,
      new Map([[run.download!.name, bytes]]),
    );
    const session = await ort.InferenceSession.create(new Uint8Array(bytes));
    const floats = (name: string) => new Float32Array(Uint8Array.from(readFileSync(join(fixtures, name))).buffer);
    const x = floats("repvgg_tiny.input.bin");
    const want = floats("repvgg_tiny.output.bin");
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", x, [1, 3, 32, 32]) });
    const got = out[session.outputNames[0]!]!.data as Float32Array;
    const scale = Math.max(...want.map(Math.abs));
    expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThanOrEqual(1e-5 * scale);
    await session.release();
    expect(run.report).toMatch(/^blocks .*\n(PASSED|FAILED)/s);
    expect(run.report).toMatch(/^backend: onnxruntime-web (webgpu|wasm)$/m);
    expect(run.report.trimEnd().endsWith("PASSED")).toBe(true);
  });

  it("converts a sharded TF.js layers model into one zip of the library's files", async () => {
    const dir = "tfjs/repvgg_tiny/layers-sharded";
    const files = readdirSync(join(fixtures, dir)).map((n) => file(`${dir}/${n}`));
    const run = await driver.run(files);
    expect(run.status).toBe("done");
    expect(run.download?.name).toBe("model.deploy.zip");
    const unzipped = new Map(Object.entries(unzipSync(new Uint8Array(run.download!.bytes))));
    await expectSameAsLibrary(tfjsAdapter as FormatAdapter<unknown>, files, "model.json", "model.json", unzipped);
    expect(run.report).toMatch(/whole model:\nPASSED/);
    expect(run.report).toMatch(/^backend: tfjs (webgpu|webgl|wasm|cpu)$/m);
  });

  it("takes a dropped TF.js graph model (model.json + weights.bin) and converts it as the library does", async () => {
    const dir = "tfjs/repvgg_tiny/graph";
    const files = readdirSync(join(fixtures, dir)).map((n) => file(`${dir}/${n}`));
    const run = await driver.drop(files);
    expect(run.status).toBe("done");
    expect(run.download?.name).toBe("model.deploy.zip");
    const unzipped = new Map(Object.entries(unzipSync(new Uint8Array(run.download!.bytes))));
    await expectSameAsLibrary(tfjsAdapter as FormatAdapter<unknown>, files, "model.json", "model.json", unzipped);
    expect(run.report).toMatch(/whole model:\nPASSED/);
  });

  it("converts a safetensors state dict: same bytes as the library, blocks verified", async () => {
    const files = [file("repvgg_tiny.train.safetensors")];
    const run = await driver.run(files);
    expect(run.status).toBe("done");
    expect(run.download?.name).toBe("repvgg_tiny.train.deploy.safetensors");
    await expectSameAsLibrary(
      safetensorsAdapter as FormatAdapter<unknown>,
      files,
      files[0]!.name,
      run.download!.name,
      new Map([[run.download!.name, run.download!.bytes]]),
    );
    expect(run.report).toContain("whole model: not run");
  });

  it("converts an ONNX model with external data into one zip of the library's files, whole model run", async () => {
    const files = await withExternalData("tiny.onnx", readFileSync(join(fixtures, "repvgg_tiny.train.onnx")));
    const run = await driver.run(files);
    expect(run.status).toBe("done");
    expect(run.download?.name).toBe("tiny.deploy.zip");
    const unzipped = new Map(Object.entries(unzipSync(new Uint8Array(run.download!.bytes))));
    expect([...unzipped.keys()].sort()).toEqual(["tiny.deploy.onnx", "tiny.deploy.onnx.data"]);
    await expectSameAsLibrary(onnxAdapter as FormatAdapter<unknown>, files, "tiny.onnx", "tiny.deploy.onnx", unzipped);
    expect(run.report).toMatch(/whole model:\nPASSED/);
  });

  it("converts a sharded safetensors checkpoint (index + 2 shards) into one zip of the library's files", async () => {
    const files = sharded(readFileSync(join(fixtures, "repvgg_tiny.train.safetensors")), (n) =>
      /^blocks\.[34]\./.test(n),
    );
    const run = await driver.run(files);
    expect(run.status).toBe("done");
    expect(run.download?.name).toBe("model.deploy.zip");
    const unzipped = new Map(Object.entries(unzipSync(new Uint8Array(run.download!.bytes))));
    const out = "model.deploy.safetensors.index.json";
    await expectSameAsLibrary(safetensorsAdapter as FormatAdapter<unknown>, files, files[0]!.name, out, unzipped);
    expect(run.report).toMatch(/PASSED: 5 fused blocks checked, 0 failed/);
  });

  it("converts without verifying when the verify box is unchecked", async () => {
    await driver.page.uncheck("input[data-testid=verify-toggle]");
    try {
      const run = await driver.run([file("repvgg_tiny.train.safetensors")]);
      expect(run.status).toBe("done");
      expect(run.download?.name).toBe("repvgg_tiny.train.deploy.safetensors");
      expect(run.report).toBe("not verified (turned off on the page)");
    } finally {
      await driver.page.check("input[data-testid=verify-toggle]");
    }
  });

  it("says error: CODE for a corrupt file, and offers no download", async () => {
    const bytes = Buffer.from(readFileSync(join(fixtures, "repvgg_tiny.train.onnx")).subarray(0, 300));
    const run = await driver.run([{ name: "broken.onnx", buffer: bytes }]);
    expect(run.status).toMatch(/^error: [A-Z][A-Z0-9_]+ \S/);
    expect(run.status).not.toMatch(/^error: WEB_BUG/);
    expect(run.download).toBeUndefined();
  });

  it("makes no request after the page is ready (nothing uploaded, nothing fetched late)", () => {
    expect(driver.lateRequests).toEqual([]);
  });
});
