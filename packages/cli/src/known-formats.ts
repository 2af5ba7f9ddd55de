import type { FormatAdapter } from "@reparam/core";
import { detectOnnx } from "@reparam/onnx/detect";
import { detectSafetensors } from "@reparam/safetensors/detect";
import { detectTfjs } from "@reparam/tfjs/detect";

/** A format the CLI knows: how to recognise it cheaply, and its adapter, loaded only when used. */
export interface KnownFormat {
  readonly format: string;
  /** The adapter's own `detect`, from the package's dependency-free `detect` entry. */
  readonly detect: (name: string, head: Uint8Array) => boolean;
  /** A model of this format is a folder of files (`model.json` and its shards) rather than a main file. */
  readonly folder: boolean;
  /** `@reparam/validate` has a runtime for it, so verify runs the whole models too. */
  readonly runnable: boolean;
  readonly load: () => Promise<FormatAdapter<unknown>>;
}

/**
 * The formats the CLI knows, in detection order. Adapters are imported when a
 * model of their format is opened, so a run pays for one format's code (the
 * ONNX schema alone takes a tenth of a second to load). A new format is one
 * package implementing core's FormatAdapter, with a `detect` entry, plus one
 * line here.
 */
export const formats: readonly KnownFormat[] = [
  { format: "onnx", detect: detectOnnx, folder: false, runnable: true, load: async () => (await import("@reparam/onnx")).onnxAdapter as FormatAdapter<unknown> },
  { format: "safetensors", detect: detectSafetensors, folder: false, runnable: false, load: async () => (await import("@reparam/safetensors")).safetensorsAdapter as FormatAdapter<unknown> },
  { format: "tfjs", detect: detectTfjs, folder: true, runnable: true, load: async () => (await import("@reparam/tfjs")).tfjsAdapter as FormatAdapter<unknown> },
];
