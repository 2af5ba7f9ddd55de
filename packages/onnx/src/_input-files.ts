import type { ByteSource, ModelInput } from "@reparam/core";
import type { ExternalDataFiles } from "./codec/external-data-files.js";

/**
 * The files beside a model, read through core's `ModelInput`: each
 * location is opened once, and a read never asks for bytes past the end of
 * the file (it returns fewer, which the caller reports as truncated).
 */
export function inputFiles(input: ModelInput): ExternalDataFiles {
  const opened = new Map<string, Promise<ByteSource>>();
  return {
    async read(location, offset, length) {
      let source = opened.get(location);
      if (source === undefined) {
        source = input.open(location);
        opened.set(location, source);
      }
      const src = await source;
      const available = Math.max(0, src.size - offset);
      const n = length === undefined ? available : Math.min(length, available);
      return n === 0 ? new Uint8Array(0) : src.read(offset, n);
    },
  };
}
