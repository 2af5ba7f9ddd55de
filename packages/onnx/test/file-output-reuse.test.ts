/// <reference types="node" />
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryInput, memoryOutput, reparameterize } from "@reparam/core";
import { fileOutput } from "@reparam/core/node";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { onnxAdapter } from "../src/index.js";

// Written to a file, fused kernels go into pooled memory that is filled again once the file
// stream has handed the previous ones to the OS (ByteSink.flushed); in memory they are fresh.
// The files must be the same bytes as the in-memory outputs.
describe("ONNX output through a file", () => {
  it.each(conformanceCases().map((c) => [c.name, c] as const))(
    "%s: writes the bytes of the in-memory conversion, fused kernels in reused memory",
    async (name, c) => {
      const bytes = fixtureBytes(c.onnx.train);
      const inMemory = memoryOutput("m.onnx");
      await reparameterize(onnxAdapter, memoryInput("m.onnx", bytes), inMemory);
      const dir = mkdtempSync(join(tmpdir(), "reparam-onnx-reuse-"));
      await reparameterize(onnxAdapter, memoryInput("m.onnx", bytes), fileOutput(join(dir, "m.onnx")));
      expect(Buffer.compare(readFileSync(join(dir, "m.onnx")), Buffer.from(inMemory.files.get("m.onnx")!)), name).toBe(
        0,
      );
    },
  );
});
