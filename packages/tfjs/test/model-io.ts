/// <reference types="node" />
// In-memory core ModelInput / ModelOutput for the adapter tests: a model.json
// plus a TfjsFiles in, a map of written files out (so a test can check that a
// failed conversion wrote nothing).
import { bytesSource, memoryOutput as coreMemoryOutput, type MemoryOutput, type ModelInput } from "@reparam/core";
import { memoryFiles } from "../src/index.js";
import type { TfjsFiles } from "../src/codec/tfjs-files.js";
import type { TfjsModelSource } from "./run-model.js";

/** A {@link ModelInput} over model.json bytes and the files beside it. */
export function modelInput(source: TfjsModelSource): ModelInput {
  return {
    name: "model.json",
    main: bytesSource(source.modelJson),
    async open(path) {
      return bytesSource(await source.files.read(path));
    },
  };
}

/** Core's in-memory {@link ModelOutput} (files kept on close, `created` lists every create call) plus the written model as a TF.js source. */
export function memoryOutput(name = "model.json"): MemoryOutput & { source(): TfjsModelSource } {
  const out = coreMemoryOutput(name);
  return {
    ...out,
    source() {
      const modelJson = out.files.get(name);
      if (modelJson === undefined) throw new Error(`no ${name} written`);
      const shards: TfjsFiles = memoryFiles(out.files);
      return { modelJson, files: shards };
    },
  };
}
