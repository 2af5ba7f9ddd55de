// Runs a converter of the project (its public API) on bytes in memory, as the CLI would on files.
import { type ConversionReport, type FormatAdapter, memoryInput, memoryOutput, reparameterize } from "@reparam/core";

/** Converts the model `main` (with `files` beside it) with `adapter`; returns the report and every file written. */
export async function convertModel<M>(
  adapter: FormatAdapter<M>,
  name: string,
  main: Uint8Array,
  files: Readonly<Record<string, Uint8Array>> = {},
): Promise<{ report: ConversionReport; files: Map<string, Uint8Array> }> {
  const output = memoryOutput(name);
  const report = await reparameterize(adapter, memoryInput(name, main, files), output);
  return { report, files: output.files };
}
