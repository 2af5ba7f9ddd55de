import { type ConvertOptions, type ConversionReport, type ModelInput, type ModelOutput, bytesSource, collectSink, reparameterize } from "@reparam/core";
import { safetensorsAdapter } from "../src/index.js";

/** A model input over files in memory: `main` is the file called `name`. */
export function memoryInput(name: string, files: Readonly<Record<string, Uint8Array>>): ModelInput {
  const main = files[name];
  if (main === undefined) throw new Error(`no file ${name}`);
  return {
    name,
    main: bytesSource(main),
    open(relativePath) {
      const bytes = files[relativePath];
      return bytes === undefined ? Promise.reject(new Error(`no file ${relativePath}`)) : Promise.resolve(bytesSource(bytes));
    },
  };
}

/** A model output that keeps what is written, by file name. */
export function memoryOutput(name: string): ModelOutput & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    name,
    files,
    create(relativePath) {
      const sink = collectSink();
      return Promise.resolve({
        write: (chunk: Uint8Array) => sink.write(chunk),
        close() {
          files.set(relativePath, sink.bytes());
          return Promise.resolve();
        },
      });
    },
  };
}

/** Converts one in-memory safetensors file; returns the report and the output file's bytes. */
export async function convertBytes(bytes: Uint8Array, options: ConvertOptions = {}, name = "model.safetensors"): Promise<{ report: ConversionReport; bytes: Uint8Array }> {
  const output = memoryOutput(name);
  const report = await reparameterize(safetensorsAdapter, memoryInput(name, { [name]: bytes }), output, options);
  const out = output.files.get(name);
  if (out === undefined) throw new Error("nothing written");
  return { report, bytes: out };
}
