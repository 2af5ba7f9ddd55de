import { reparameterize, type Progress } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { onnxAdapter } from "../src/index.js";
import { memoryInput, memoryOutput } from "./_convert.js";

describe("progress", () => {
  it.each(conformanceCases().map((c) => c.name))(
    "%s: sends one 'fuse' event per fused block, counting up to the total",
    async (name) => {
      const events: Progress[] = [];
      const report = await reparameterize(
        onnxAdapter,
        memoryInput("m.onnx", fixtureBytes(`${name}.train_unfolded.onnx`)),
        memoryOutput(),
        {},
        (p) => events.push(p),
      );
      const fuse = events.filter((e) => e.phase === "fuse");
      expect(fuse).toHaveLength(report.fused.length);
      expect(fuse.map((e) => e.done)).toEqual(report.fused.map((_, i) => i + 1));
      expect(fuse.every((e) => e.total === report.fused.length)).toBe(true);
    },
  );
});
