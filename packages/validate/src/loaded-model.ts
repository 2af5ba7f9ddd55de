import type { RuntimeFamilyName } from "./runtime-family-name.js";

/** A TF.js model in memory or behind any storage: the bytes of model.json and a reader for the files its manifest names. */
export interface TfjsModelFiles {
  readonly modelJson: Uint8Array;
  /** Reads a weight file by its manifest path (relative to model.json). */
  read(path: string): Promise<Uint8Array>;
}

/**
 * A model to validate: a path (an `.onnx` file; a TF.js `model.json` or the
 * folder holding it), the bytes of an ONNX model, or TF.js files.
 */
export type ModelSource = string | Uint8Array | TfjsModelFiles;

/** A model source resolved to the runtime family that runs it: one file of bytes, or a folder of files. */
export type LoadedModel =
  | { readonly format: RuntimeFamilyName; readonly label: string; readonly path?: string; bytes(): Promise<Uint8Array> }
  | { readonly format: RuntimeFamilyName; readonly label: string; readonly files: TfjsModelFiles };
