import {
  type ConversionReport,
  type ConvertOptions,
  type FormatAdapter,
  memoryInput,
  memoryOutput,
  reparameterize,
} from "@reparam/core";
import { onnxAdapter } from "@reparam/onnx";
import { safetensorsAdapter } from "@reparam/safetensors";
import { tfjsAdapter } from "@reparam/tfjs";
import type { ModelFiles, Spelling } from "./spelling.js";

const ADAPTERS: Record<Spelling["format"], FormatAdapter<unknown>> = {
  onnx: onnxAdapter as FormatAdapter<unknown>,
  safetensors: safetensorsAdapter as FormatAdapter<unknown>,
  tfjs: tfjsAdapter as FormatAdapter<unknown>,
};

/**
 * Converts a model's files in memory through the public API only:
 * `reparameterize(adapter, memoryInput(...), memoryOutput(...), options)`;
 * the converted files keep the main file's name.
 */
export async function convertModel(
  format: Spelling["format"],
  model: ModelFiles,
  options: ConvertOptions,
): Promise<{ report: ConversionReport; converted: ModelFiles }> {
  const main = model.files.get(model.main);
  if (main === undefined) throw new Error(`convertModel: no file '${model.main}'`);
  const others: Record<string, Uint8Array> = {};
  for (const [path, bytes] of model.files) if (path !== model.main) others[path] = bytes;
  const output = memoryOutput(model.main);
  const report = await reparameterize(ADAPTERS[format], memoryInput(model.main, main, others), output, options);
  return { report, converted: { main: model.main, files: output.files } };
}
