import { type Progress, reparameterize } from "@reparam/core";
import { describe, expect, it } from "vitest";
import { conformanceCases, fixtureBytes } from "../../../tools/conformance/src/index.js";
import { safetensorsAdapter } from "../src/index.js";
import { memoryInput, memoryOutput } from "./_memory-io.js";

const NAME = "model.safetensors";

async function fuseEvents(file: string, fuseChunkBytes?: number) {
  const events: Progress[] = [];
  const options = fuseChunkBytes === undefined ? {} : { fuseChunkBytes };
  const input = memoryInput(NAME, { [NAME]: fixtureBytes(file) });
  const report = await reparameterize(safetensorsAdapter, input, memoryOutput(NAME), options, (p) => events.push(p));
  return { report, fuse: events.filter((e) => e.phase === "fuse") };
}

describe("progress", () => {
  // fuseChunkBytes 1: every block without a DBB branch is written one output channel at a time.
  it.each(
    conformanceCases().flatMap(
      (c) =>
        [
          [c.safetensors.train, "whole"],
          [c.safetensors.train, "row windows"],
        ] as const,
    ),
  )("%s (%s): counts the fused blocks up to the total in 'fuse' events", async (file, how) => {
    const { report, fuse } = await fuseEvents(file, how === "whole" ? undefined : 1);
    const n = report.fused.length;
    expect(n).toBeGreaterThan(0);
    expect(fuse.every((e) => e.total === n)).toBe(true);
    if (how === "whole") {
      // One event per block.
      expect(fuse.map((e) => e.done)).toEqual(report.fused.map((_, i) => i + 1));
    } else {
      // One event per window (an output channel here): fractions of a block, rising, ending at the total, every block reached.
      expect(fuse.length).toBeGreaterThan(n);
      const done = fuse.map((e) => e.done);
      for (let i = 1; i < done.length; i++) expect(done[i]!).toBeGreaterThan(done[i - 1]!);
      expect(done.at(-1)).toBe(n);
      for (let k = 1; k <= n; k++) expect(done).toContain(k);
    }
  });
});
