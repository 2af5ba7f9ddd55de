// A QARepVGG identity has no keys: the converter adds it from the kernels' shapes, on the
// assumption of groups 1 and stride 1 (a state dict stores neither), and the report says so.
import { describe, expect, it } from "vitest";
import { fixtureBytes } from "../../../tools/conformance/src/index.js";
import { convertBytes } from "./_memory-io.js";

describe("the report's note on key-less identities", () => {
  it("states the assumption for QARepVGG blocks whose kernels read as many channels as they output", async () => {
    const { report } = await convertBytes(fixtureBytes("qarepvgg.train.safetensors"));
    const note = report.notes.find((n) => n.includes("key-less identity"));
    expect(note).toMatch(/^\d+ blocks given their key-less identity branch .* assumes groups 1 and stride 1/);
  });

  it("stays absent for RepVGG, whose identity is a BatchNorm with keys", async () => {
    const { report } = await convertBytes(fixtureBytes("repvgg_tiny.train.safetensors"));
    expect(report.notes.some((n) => n.includes("key-less identity"))).toBe(false);
  });
});
