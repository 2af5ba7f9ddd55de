import { type ConversionReport, type ConvertOptions, memoryInput, memoryOutput, reparameterize } from "@reparam/core";
import { pytorchAdapter } from "../src/index.js";

/** Converts one in-memory checkpoint called `name` into a file called `out`; the report and the bytes written. */
export async function convertPth(
  bytes: Uint8Array,
  out: string,
  options: ConvertOptions = {},
  name = "model.pth",
): Promise<{ report: ConversionReport; bytes: Uint8Array }> {
  const output = memoryOutput(out);
  const report = await reparameterize(pytorchAdapter, memoryInput(name, bytes), output, options);
  const written = output.files.get(out);
  if (written === undefined) throw new Error("nothing written");
  return { report, bytes: written };
}

/** Decodes an in-memory checkpoint. */
export function decodePth(bytes: Uint8Array, name = "model.pth") {
  return pytorchAdapter.decode(memoryInput(name, bytes), {});
}
