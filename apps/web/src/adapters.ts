import type { FormatAdapter } from "@reparam/core";
import { onnxAdapter } from "@reparam/onnx";
import { safetensorsAdapter } from "@reparam/safetensors";
import { tfjsAdapter } from "@reparam/tfjs";

/**
 * The formats the page reads, in detection order: its one list of formats.
 * Everything else goes by each adapter's facts (`detect`, `folder`,
 * `mainFile`, `suffixes`, `runtime`), never by a format's name, so a new
 * format is one line here.
 */
export const adapters: readonly FormatAdapter<unknown>[] = [
  onnxAdapter as FormatAdapter<unknown>,
  safetensorsAdapter as FormatAdapter<unknown>,
  tfjsAdapter as FormatAdapter<unknown>,
];
