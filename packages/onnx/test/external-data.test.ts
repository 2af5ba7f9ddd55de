/// <reference types="node" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectSink, type ByteSink } from "@reparam/core";
import * as ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildModel,
  decodeModel,
  encodeModel,
  externalizeTensors,
  intsAttr,
  tensorValues,
  type ModelProto,
  type TensorProto,
} from "../src/index.js";
import { internalizeTensors } from "../src/codec/internalize-tensors.js";
import { readExternalData } from "../src/codec/read-external-data.js";
import { TensorProto_DataLocation } from "onnx-buf";
import type { ExternalDataFiles } from "../src/codec/external-data-files.js";
import { nodeExternalDataFiles } from "./node-external-data-files.js";

const dir = mkdtempSync(join(tmpdir(), "reparam-onnx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const w1 = Float32Array.from({ length: 8 * 4 * 9 }, (_, i) => Math.sin(i)); // 1152 bytes
const w2 = Float32Array.from({ length: 8 * 8 * 9 }, (_, i) => Math.cos(i) / 4); // 2304 bytes
function model(): ModelProto {
  return buildModel({
    opset: 13,
    inputs: [{ name: "x", dims: [1, 4, 5, 5] }],
    outputs: [{ name: "y", dims: [1, 8, 5, 5] }],
    nodes: [
      { op: "Conv", inputs: ["x", "w1", "b1"], outputs: ["c1"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
      { op: "Relu", inputs: ["c1"], outputs: ["r"] },
      { op: "Conv", inputs: ["r", "w2"], outputs: ["y"], attrs: { pads: intsAttr([1, 1, 1, 1]) } },
    ],
    initializers: [
      { name: "w1", dims: [8, 4, 3, 3], data: w1 },
      { name: "b1", dims: [8], data: new Float32Array(8).fill(0.5) }, // 32 bytes: stays inside
      { name: "w2", dims: [8, 8, 3, 3], data: w2 },
    ],
  });
}
const original = encodeModel(model());
const entries = (t: TensorProto) => Object.fromEntries(t.externalData.map((e) => [e.key, e.value]));
const code = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: { code?: string }) => e.code,
  );

/** Externalizes into `folder/model.onnx` + `folder/<location>`, returns the side file's bytes. */
async function save(folder: string, options: { location: string; alignment?: number }): Promise<Uint8Array> {
  mkdirSync(folder, { recursive: true });
  const m = model();
  const sink = collectSink();
  await externalizeTensors(m, options, sink);
  writeFileSync(join(folder, "model.onnx"), encodeModel(m));
  writeFileSync(join(folder, options.location), sink.bytes());
  return sink.bytes();
}

async function run(source: string | Uint8Array): Promise<Float32Array> {
  const session =
    typeof source === "string" ? await ort.InferenceSession.create(source) : await ort.InferenceSession.create(source);
  const x = Float32Array.from({ length: 100 }, (_, i) => (i % 7) - 3);
  const { y } = await session.run({ x: new ort.Tensor("float32", x, [1, 4, 5, 5]) });
  return y!.data as Float32Array;
}

describe("externalizeTensors", () => {
  it("moves tensors of >= 1024 bytes to one side file at offsets aligned to 4096", async () => {
    const m = model();
    const sink = collectSink();
    const result = await externalizeTensors(m, { location: "model.onnx.data" }, sink);
    expect(result).toEqual({ location: "model.onnx.data", byteLength: 4096 + 2304, tensors: ["w1", "w2"] });
    const [t1, b1, t2] = m.graph!.initializer;
    expect(entries(t1!)).toEqual({ location: "model.onnx.data", offset: "0", length: "1152" });
    expect(entries(t2!)).toEqual({ location: "model.onnx.data", offset: "4096", length: "2304" });
    expect(t1!.dataLocation).toBe(TensorProto_DataLocation.EXTERNAL);
    expect(t1!.rawData.byteLength).toBe(0);
    expect(b1!.externalData).toEqual([]);
    const data = sink.bytes();
    expect(data.subarray(1152, 4096).every((b) => b === 0)).toBe(true);
    expect(tensorValues(t2!, data.subarray(4096)).values).toEqual(new Float64Array(w2));
  });

  it("packs tightly with alignment 1, and honours the threshold", async () => {
    const m = model();
    const result = await externalizeTensors(m, { location: "w.bin", alignment: 1, threshold: 2000 }, collectSink());
    expect(result).toEqual({ location: "w.bin", byteLength: 2304, tensors: ["w2"] });
    const packed = model();
    await externalizeTensors(packed, { location: "w.bin", alignment: 1, threshold: 0 }, collectSink());
    expect(packed.graph!.initializer.map((t) => entries(t).offset)).toEqual(["0", "1152", "1184"]);
  });

  it("refuses bad options and a location already in use, and leaves the model alone when the sink fails", async () => {
    expect(await code(externalizeTensors(model(), { location: "w.bin", alignment: 3000 }, collectSink()))).toBe(
      "ONNX_BAD_OPTION",
    );
    expect(await code(externalizeTensors(model(), { location: "w.bin", threshold: -1 }, collectSink()))).toBe(
      "ONNX_BAD_OPTION",
    );
    expect(await code(externalizeTensors(model(), { location: "../w.bin" }, collectSink()))).toBe(
      "ONNX_EXTERNAL_PATH_ESCAPE",
    );
    const m = model();
    await externalizeTensors(m, { location: "w.bin", threshold: 2000 }, collectSink());
    expect(await code(externalizeTensors(m, { location: "./w.bin" }, collectSink()))).toBe("ONNX_EXTERNAL_CONFLICT");
    const failing: ByteSink = { write: () => Promise.reject(new Error("disk full")) };
    const untouched = model();
    await expect(externalizeTensors(untouched, { location: "w.bin" }, failing)).rejects.toThrow("disk full");
    expect(encodeModel(untouched)).toEqual(original);
  });
});

describe("external data through real files", () => {
  it("round-trips through real files: onnxruntime runs the externalized model, internalizing restores the bytes", async () => {
    const folder = join(dir, "roundtrip");
    await save(folder, { location: "model.onnx.data" });
    expect(readFileSync(join(folder, "model.onnx")).byteLength).toBeLessThan(original.byteLength - 3000);
    expect(await run(join(folder, "model.onnx"))).toEqual(await run(original));
    const loaded = decodeModel(new Uint8Array(readFileSync(join(folder, "model.onnx"))));
    expect(await internalizeTensors(loaded, nodeExternalDataFiles(folder))).toBe(2);
    expect(encodeModel(loaded)).toEqual(original);
  });

  it("reads a side file in a subfolder, tightly packed", async () => {
    const folder = join(dir, "sub");
    mkdirSync(join(folder, "weights"), { recursive: true });
    await save(folder, { location: "weights/w.bin", alignment: 1 });
    expect(await run(join(folder, "model.onnx"))).toEqual(await run(original));
    const m = decodeModel(new Uint8Array(readFileSync(join(folder, "model.onnx"))));
    const t = m.graph!.initializer[0]!;
    expect(tensorValues(t, await readExternalData(t, nodeExternalDataFiles(folder))).values).toEqual(
      new Float64Array(w1),
    );
  });

  it("refuses a side file shorter than declared (ONNX_EXTERNAL_TRUNCATED) and a missing one", async () => {
    const folder = join(dir, "short");
    const data = await save(folder, { location: "w.bin" });
    writeFileSync(join(folder, "w.bin"), data.subarray(0, 5000));
    const m = () => decodeModel(new Uint8Array(readFileSync(join(folder, "model.onnx"))));
    expect(await code(internalizeTensors(m(), nodeExternalDataFiles(folder)))).toBe("ONNX_EXTERNAL_TRUNCATED");
    rmSync(join(folder, "w.bin"));
    expect(await code(internalizeTensors(m(), nodeExternalDataFiles(folder)))).toBe("ONNX_EXTERNAL_MISSING");
  });

  it("refuses a symbolic link leaving the folder, follows one inside it", async () => {
    const outside = join(dir, "outside");
    await save(outside, { location: "w.bin" });
    const folder = join(dir, "linked");
    mkdirSync(folder);
    writeFileSync(join(folder, "model.onnx"), readFileSync(join(outside, "model.onnx")));
    symlinkSync(join(outside, "w.bin"), join(folder, "w.bin"));
    const m = () => decodeModel(new Uint8Array(readFileSync(join(folder, "model.onnx"))));
    expect(await code(internalizeTensors(m(), nodeExternalDataFiles(folder)))).toBe("ONNX_EXTERNAL_PATH_ESCAPE");
    rmSync(join(folder, "w.bin"));
    mkdirSync(join(folder, "real"));
    writeFileSync(join(folder, "real", "w.bin"), readFileSync(join(outside, "w.bin")));
    symlinkSync(join("real", "w.bin"), join(folder, "w.bin"));
    expect(await internalizeTensors(m(), nodeExternalDataFiles(folder))).toBe(2);
  });

  it("refuses escaping locations and wrong lengths before reading anything", async () => {
    const reads: string[] = [];
    const spy: ExternalDataFiles = { read: (location) => (reads.push(location), Promise.resolve(new Uint8Array(0))) };
    for (const [key, value, expected] of [
      ["location", "../outside/w.bin", "ONNX_EXTERNAL_PATH_ESCAPE"],
      ["location", "/etc/passwd", "ONNX_EXTERNAL_PATH_ESCAPE"],
      ["location", "C:\\w.bin", "ONNX_EXTERNAL_PATH_ESCAPE"],
      ["length", "999999999999", "ONNX_TENSOR_SIZE"],
    ] as const) {
      const m = model();
      await externalizeTensors(m, { location: "w.bin" }, collectSink());
      m.graph!.initializer[0]!.externalData.find((e) => e.key === key)!.value = value;
      expect(await code(internalizeTensors(m, spy))).toBe(expected);
    }
    expect(reads).toEqual([]);
  });

  it("wraps a failure of the caller's file access as ONNX_EXTERNAL_READ", async () => {
    const m = model();
    await externalizeTensors(m, { location: "w.bin" }, collectSink());
    const broken: ExternalDataFiles = { read: () => Promise.reject(new Error("EIO")) };
    expect(await code(internalizeTensors(m, broken))).toBe("ONNX_EXTERNAL_READ");
  });
});
