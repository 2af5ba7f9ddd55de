/// <reference types="node" />
// In-memory core ModelInput / ModelOutput for the adapter tests: a model.json
// plus a TfjsFiles in, a map of written files out (so a test can check that a
// failed conversion wrote nothing).
import { bytesSource, collectSink, type ModelInput, type ModelOutput } from "@reparam/core";
import { memoryFiles, type TfjsFiles } from "../src/index.js";
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

/** A {@link ModelOutput} that keeps what is written (after close) in `files`; `created` lists every create call. */
export function memoryOutput(name = "model.json"): ModelOutput & { files: Map<string, Uint8Array>; created: string[]; source(): TfjsModelSource } {
  const files = new Map<string, Uint8Array>();
  const created: string[] = [];
  return {
    name,
    files,
    created,
    async create(path) {
      created.push(path);
      const sink = collectSink();
      return {
        write: (chunk: Uint8Array) => sink.write(chunk),
        close: async () => {
          files.set(path, sink.bytes());
        },
      };
    },
    source() {
      const modelJson = files.get(name);
      if (modelJson === undefined) throw new Error(`no ${name} written`);
      const shards: TfjsFiles = memoryFiles(files);
      return { modelJson, files: shards };
    },
  };
}
