/// <reference types="node" />
// Converts a model with core's reparameterize + tfjsAdapter in memory, runs
// original and converted with TF.js, and reports the conformance ratio.
import { reparameterize, type ConversionReport, type ConvertOptions } from "@reparam/core";
import { kerasModel, tfjsAdapter } from "../src/index.js";
import type { GraphDefJson, TfjsModelJson } from "../src/index.js";
import { memoryOutput, modelInput } from "./model-io.js";
import { maxRelDiff, runTfjsModel, type TfjsModelSource } from "./run-model.js";

/** A conversion's report, its output files, and both models' outputs on one input. */
export interface Converted {
  readonly report: ConversionReport;
  readonly output: TfjsModelSource & { written: Map<string, Uint8Array> };
  readonly json: TfjsModelJson;
  /** max|converted - original| / max|original|. */
  readonly ratio: number;
}

/** Converts `source` and runs both models on `input` with `backend`. */
export async function convertAndRun(
  source: TfjsModelSource,
  input: Float32Array,
  shape: number[],
  options: ConvertOptions = {},
  backend: "cpu" | "wasm" = "cpu",
  expected?: ArrayLike<number>,
): Promise<Converted> {
  const out = memoryOutput();
  const report = await reparameterize(tfjsAdapter, modelInput(source), out, options);
  const converted = out.source();
  const want = expected ?? (await runTfjsModel(source, input, shape, backend));
  const got = await runTfjsModel(converted, input, shape, backend);
  const json = JSON.parse(new TextDecoder().decode(converted.modelJson)) as TfjsModelJson;
  return { report, output: { ...converted, written: out.files }, json, ratio: maxRelDiff(got, want) };
}

const CONV_LAYERS = new Set(["Conv2D", "DepthwiseConv2D"]);
const CONV_NODES = new Set(["Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);

/** Convolutions in a model: Conv2D / DepthwiseConv2D layers, or conv nodes of a GraphDef. */
export function countConvs(json: TfjsModelJson): number {
  if (json.format === "graph-model")
    return ((json.modelTopology as GraphDefJson).node ?? []).filter((n) => CONV_NODES.has(n.op)).length;
  return kerasModel(json.modelTopology).config.layers.filter((l) => CONV_LAYERS.has(l.class_name)).length;
}

/** Layer class names (layers models) or node ops (graph models), in order. */
export function opsOf(json: TfjsModelJson): string[] {
  if (json.format === "graph-model") return ((json.modelTopology as GraphDefJson).node ?? []).map((n) => n.op);
  return kerasModel(json.modelTopology).config.layers.map((l) => l.class_name);
}
