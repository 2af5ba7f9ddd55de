import {
  type ConvertOptions,
  type ConversionReport,
  type ModelInput,
  memoryInput as coreMemoryInput,
  memoryOutput,
  reparameterize,
} from "@reparam/core";
import { safetensorsAdapter } from "../src/index.js";

/** A model input over files in memory: `main` is the file called `name`. */
export function memoryInput(name: string, files: Readonly<Record<string, Uint8Array>>): ModelInput {
  const main = files[name];
  if (main === undefined) throw new Error(`no file ${name}`);
  return coreMemoryInput(name, main, files);
}

/** A model output that keeps what is written, by file name (core's). */
export { memoryOutput };

/** Converts one in-memory safetensors file; returns the report and the output file's bytes. */
export async function convertBytes(
  bytes: Uint8Array,
  options: ConvertOptions = {},
  name = "model.safetensors",
): Promise<{ report: ConversionReport; bytes: Uint8Array }> {
  const output = memoryOutput(name);
  const report = await reparameterize(safetensorsAdapter, memoryInput(name, { [name]: bytes }), output, options);
  const out = output.files.get(name);
  if (out === undefined) throw new Error("nothing written");
  return { report, bytes: out };
}
