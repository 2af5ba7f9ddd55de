import type { FormatAdapter } from "@reparam/core";
import { onnxAdapter } from "@reparam/onnx";
import { safetensorsAdapter } from "@reparam/safetensors";
import { tfjsAdapter } from "@reparam/tfjs";

/**
 * The formats the CLI knows, in detection order. A new format is one package
 * implementing core's FormatAdapter plus one line here.
 */
export const adapters: ReadonlyArray<FormatAdapter<unknown>> = [
  onnxAdapter as FormatAdapter<unknown>,
  safetensorsAdapter as FormatAdapter<unknown>,
  tfjsAdapter as FormatAdapter<unknown>,
];
