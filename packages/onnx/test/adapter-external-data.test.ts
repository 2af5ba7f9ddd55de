/// <reference types="node" />
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectSink, decide, reparameterize } from "@reparam/core";
import { seededRandom } from "@reparam/test-utils";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildModel,
  decodeModel,
  encodeModel,
  externalizeTensors,
  onnxAdapter,
  type ModelProto,
} from "../src/index.js";
import { internalizeTensors } from "../src/codec/internalize-tensors.js";
import { TensorProto_DataLocation } from "onnx-buf";
import { inputData, repvggBlock } from "./_blocks.js";
import { convert, memoryInput, memoryOutput, relativeError, run } from "./_convert.js";
import { nodeExternalDataFiles } from "./node-external-data-files.js";
import { nodeModelInput, nodeModelOutput } from "./node-model-io.js";

const dir = mkdtempSync(join(tmpdir(), "reparam-onnx-adapter-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rand = seededRandom(5);
const c = 16; // 3x3 kernels of 16x16: 9216 bytes, external by default
const b0 = repvggBlock(rand, 0, "x", "a", c);
const model = (): ModelProto =>
  buildModel({
    opset: 13,
    inputs: [{ name: "x", dims: [1, c, 5, 5] }],
    outputs: [{ name: "y" }],
    nodes: [...b0.nodes, { op: "Relu", inputs: ["a"], outputs: ["y"] }],
    initializers: b0.initializers,
  });
const x = { x: { data: inputData(rand, c * 25), dims: [1, c, 5, 5] } };
const code = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: { code?: string }) => e.code,
  );

/** Saves the model with external data as `folder/model.onnx` + `folder/weights.bin`. */
async function saveExternal(folder: string): Promise<Uint8Array> {
  mkdirSync(folder, { recursive: true });
  const m = model();
  const sink = collectSink();
  await externalizeTensors(m, { location: "weights.bin", threshold: 0 }, sink);
  writeFileSync(join(folder, "model.onnx"), encodeModel(m));
  writeFileSync(join(folder, "weights.bin"), sink.bytes());
  return sink.bytes();
}

describe("external data through the adapter", () => {
  it("reads external data in and writes the output's large tensors to <output>.data", async () => {
    const folder = join(dir, "in");
    await saveExternal(folder);
    const outDir = join(dir, "out");
    const input = nodeModelInput(join(folder, "model.onnx"));
    const output = nodeModelOutput(outDir, "deploy.onnx");
    const report = await reparameterize(onnxAdapter, input, output, {});
    expect(input.opened).toContain("weights.bin");
    expect(report.fused).toHaveLength(1);
    expect(report.details.external_data).toBe("yes");
    expect(output.created).toEqual(["deploy.onnx.data", "deploy.onnx"]);
    const written = decodeModel(new Uint8Array(readFileSync(join(outDir, "deploy.onnx"))));
    const weight = written.graph!.initializer.find((t) => t.name.endsWith(".weight"))!;
    expect(weight.dataLocation).toBe(TensorProto_DataLocation.EXTERNAL);
    expect(Object.fromEntries(weight.externalData.map((e) => [e.key, e.value]))).toMatchObject({
      location: "deploy.onnx.data",
      length: `${c * c * 9 * 4}`,
    });
    const bias = written.graph!.initializer.find((t) => t.name.endsWith(".bias"))!;
    expect(bias.dataLocation).not.toBe(TensorProto_DataLocation.EXTERNAL); // 64 bytes, under the threshold
    const want = await run(encodeModel(model()), x);
    expect(relativeError(await run(join(outDir, "deploy.onnx"), x), want)).toBeLessThanOrEqual(1e-5);
    expect(await internalizeTensors(written, nodeExternalDataFiles(outDir))).toBe(1);
  });

  it("keeps an inline model inline unless externalData is asked for, and honours the threshold", async () => {
    const inline = await convert(model());
    expect([...inline.files.keys()]).toEqual(["out.onnx"]);
    const forced = await convert(model(), { externalData: true, externalDataThreshold: 0 });
    expect([...forced.files.keys()].sort()).toEqual(["out.onnx", "out.onnx.data"]);
    expect(forced.model.graph!.initializer.every((t) => t.dataLocation === TensorProto_DataLocation.EXTERNAL)).toBe(
      true,
    );
    expect(forced.report.notes.join()).toContain("2 tensors in 'out.onnx.data'");
    expect(await code(convert(model(), { externalData: "yes" }))).toBe("ONNX_BAD_OPTION");
    // encode leaves the decoded model as it was: a second encode writes the same files
    const decoded = await onnxAdapter.decode(memoryInput("m.onnx", encodeModel(model())), {});
    const decisions = decide((await onnxAdapter.findBlocks(decoded, {})).candidates, {});
    const outs = [memoryOutput(), memoryOutput()];
    for (const o of outs) await onnxAdapter.encode(decoded, decisions, o, { externalData: true });
    expect(outs[1]!.files).toEqual(outs[0]!.files);
    expect(encodeModel(decoded.proto)).toEqual(encodeModel(model()));
    expect(await code(convert(model(), { externalDataThreshold: -1 }))).toBe("ONNX_BAD_OPTION");
  });

  it("refuses a location escaping the folder, and data shorter than declared, writing nothing", async () => {
    const folder = join(dir, "bad");
    const data = await saveExternal(folder);
    const m = decodeModel(new Uint8Array(readFileSync(join(folder, "model.onnx"))));
    m.graph!.initializer[0]!.externalData.find((e) => e.key === "location")!.value = "../in/weights.bin";
    writeFileSync(join(folder, "escape.onnx"), encodeModel(m));
    writeFileSync(join(folder, "weights.bin"), data.subarray(0, data.byteLength - 10));
    for (const [file, expected] of [
      ["escape.onnx", "ONNX_EXTERNAL_PATH_ESCAPE"],
      ["model.onnx", "ONNX_EXTERNAL_TRUNCATED"],
    ] as const) {
      const input = nodeModelInput(join(folder, file));
      const output = nodeModelOutput(join(dir, `bad-out-${file}`), "deploy.onnx");
      expect(await code(reparameterize(onnxAdapter, input, output, {}))).toBe(expected);
      expect(output.created).toEqual([]);
      expect(existsSync(join(dir, `bad-out-${file}`))).toBe(false);
      if (expected === "ONNX_EXTERNAL_PATH_ESCAPE") expect(input.opened).toEqual([]);
    }
  });
});
