import { memoryInput, memoryOutput, reparameterize, type FormatAdapter } from "@reparam/core";

/** The library's own conversion of a model in memory (what the page must produce byte for byte): each output file by path. */
export async function referenceConversion(
  adapter: FormatAdapter<unknown>,
  name: string,
  main: Uint8Array,
  files: Readonly<Record<string, Uint8Array>>,
  outputName: string,
): Promise<Map<string, Uint8Array>> {
  const output = memoryOutput(outputName);
  await reparameterize(adapter, memoryInput(name, main, files), output);
  return output.files;
}
