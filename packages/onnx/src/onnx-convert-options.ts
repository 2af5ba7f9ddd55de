import { ReparamError, type ConvertOptions } from "@reparam/core";
import { LAZY_RAW_BYTES } from "./codec/scan-model.js";

/** Options the ONNX adapter reads, besides core's. */
export interface OnnxConvertOptions extends ConvertOptions {
  /**
   * Write initializers to a side file `<output name>.data`: `true` always,
   * `false` never; by default only when the input had external data.
   */
  readonly externalData?: boolean;
  /** Initializers of at least this many bytes go to the side file. Default 1024, onnx's own threshold. */
  readonly externalDataThreshold?: number;
  /**
   * Initializers that are also graph inputs (`keep_initializers_as_inputs`,
   * older PyTorch exports, IR 3 models): `constants` (default) fuses the
   * blocks that read them and drops the weights those blocks no longer need
   * from the initializers and the inputs; `inputs` keeps them as run-time
   * inputs, and blocks that read them are refused (`NON_CONSTANT_WEIGHTS`).
   */
  readonly initializersAsInputs?: "constants" | "inputs";
  /**
   * Initializers whose `raw_data` holds at least this many bytes are left in
   * the input file at decode and read when needed (a block's load, or when
   * written), so memory holds the model's structure, not its weights.
   * Default 65536; 0 leaves every one in the file.
   */
  readonly lazyBytes?: number;
}

/**
 * The external data threshold to write with, or undefined for a
 * self-contained file. Throws `ONNX_BAD_OPTION` for values of the wrong type.
 */
export function externalThreshold(options: ConvertOptions, inputHadExternal: boolean): number | undefined {
  const force = options.externalData;
  const threshold = options.externalDataThreshold ?? 1024;
  if (force !== undefined && typeof force !== "boolean") {
    throw new ReparamError("ONNX_BAD_OPTION", "option externalData must be a boolean", {
      expected: "true or false",
      found: JSON.stringify(force),
    });
  }
  if (typeof threshold !== "number" || !Number.isSafeInteger(threshold) || threshold < 0) {
    throw new ReparamError("ONNX_BAD_OPTION", "option externalDataThreshold must be a byte count", {
      expected: "an integer >= 0",
      found: String(threshold),
    });
  }
  return (force ?? inputHadExternal) ? threshold : undefined;
}

/** The `initializersAsInputs` option, checked. Throws `ONNX_BAD_OPTION` for anything but `constants` or `inputs`. */
export function initializersAsInputs(options: ConvertOptions): "constants" | "inputs" {
  const v = options.initializersAsInputs ?? "constants";
  if (v !== "constants" && v !== "inputs") {
    throw new ReparamError(
      "ONNX_BAD_OPTION",
      "option initializersAsInputs must say how to read initializers that are also graph inputs",
      { expected: "'constants' or 'inputs'", found: JSON.stringify(v) },
    );
  }
  return v;
}

/** The `lazyBytes` option, checked. Throws `ONNX_BAD_OPTION` for anything but a byte count. */
export function lazyBytes(options: ConvertOptions): number {
  const v = options.lazyBytes ?? LAZY_RAW_BYTES;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new ReparamError("ONNX_BAD_OPTION", "option lazyBytes must be a byte count", {
      expected: "an integer >= 0",
      found: String(v),
    });
  }
  return v;
}
