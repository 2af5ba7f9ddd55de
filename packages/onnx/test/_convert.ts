/// <reference types="node" />
// In-memory model files, a one-call conversion through core's reparameterize,
// and onnxruntime runs, for the adapter tests.
import {
  memoryInput,
  memoryOutput as coreMemoryOutput,
  reparameterize,
  type ConversionReport,
  type ConvertOptions,
} from "@reparam/core";
import * as ort from "onnxruntime-node";
import { decodeModel, encodeModel, onnxAdapter, type ModelProto } from "../src/index.js";

/** In-memory model files for the tests: core's helpers (the ONNX tests' output is called out.onnx by default). */
export { memoryInput };
export const memoryOutput = (name = "out.onnx") => coreMemoryOutput(name);

/** What {@link convert} returns. */
export interface Converted {
  readonly report: ConversionReport;
  readonly bytes: Uint8Array;
  readonly model: ModelProto;
  readonly files: Map<string, Uint8Array>;
}

/** Converts a model (or its bytes) in memory with the ONNX adapter. */
export async function convert(
  source: ModelProto | Uint8Array,
  options: ConvertOptions = {},
  sideFiles: Record<string, Uint8Array> = {},
): Promise<Converted> {
  const input = memoryInput("model.onnx", source instanceof Uint8Array ? source : encodeModel(source), sideFiles);
  const output = memoryOutput();
  const report = await reparameterize(onnxAdapter, input, output, options);
  const bytes = output.files.get("out.onnx")!;
  return { report, bytes, model: decodeModel(bytes), files: output.files };
}

/** Runs a model (bytes or a path) on float32 inputs, or raw typed inputs with a given type; returns the first output. */
export async function run(
  model: Uint8Array | string,
  feeds: Record<string, { data: Float32Array | Uint16Array; dims: number[] }>,
): Promise<Float32Array | Uint16Array> {
  const session =
    typeof model === "string" ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
  const tensors = Object.fromEntries(
    Object.entries(feeds).map(([k, v]) => [
      k,
      new ort.Tensor(v.data instanceof Uint16Array ? "float16" : "float32", v.data, v.dims),
    ]),
  );
  const out = await session.run(tensors);
  return out[session.outputNames[0]!]!.data as Float32Array | Uint16Array;
}

export { relativeError } from "@reparam/test-utils";

/** The op types of a model's nodes, in order. */
export const opTypes = (m: ModelProto): string[] => m.graph!.node.map((n) => n.opType);
