import { describe, expect, it } from "vitest";
import { mismatchLine } from "../src/format-summary.js";
import { fuzzBlocks } from "../src/fuzz-blocks.js";
import { allSpellings } from "../src/spellings.js";

// CI size: 500 random blocks (seeds 0..499), each in one spelling per format
// that can write it. `FUZZ_BLOCKS=20000 pnpm fuzz:blocks` is the long run.
const BLOCKS = 500;

const byName = (name: string) => allSpellings.find((s) => s.name === name)!;

/** Runs `blocks` seeds in the one spelling `name` and returns the summary. */
function only(name: string, blocks: number) {
  return fuzzBlocks({ seed: 0, blocks, spellings: [byName(name)], only: [name] });
}

describe("differential block fuzzer", () => {
  it(`converts ${BLOCKS} random blocks in every spelling with no mismatch`, async () => {
    const spellings = allSpellings.filter((s) => s.knownIssue === undefined);
    const summary = await fuzzBlocks({ seed: 0, blocks: BLOCKS, spellings });
    expect(summary.mismatches.map(mismatchLine)).toEqual([]);
    expect(summary.total.blocks).toBeGreaterThanOrEqual(BLOCKS);
    // Every format took part.
    for (const format of new Set(spellings.map((s) => s.format)))
      expect(summary.byFormat.get(format)?.blocks ?? 0).toBeGreaterThan(0);
  });

  // Weights also listed as graph inputs were left unfused until e06d0a5 (#17): more blocks of this spelling alone.
  it("fuses the onnx/keep-initializers-as-inputs spelling like the rest", async () => {
    const summary = await only("onnx/keep-initializers-as-inputs", 30);
    expect(summary.total.blocks).toBeGreaterThan(0);
    expect(summary.mismatches.map(mismatchLine)).toEqual([]);
  });

  // Branches reading one shared Pad node (onnx-simplifier's CSE) were left unfused until 5d83c56 (#17); few blocks share pads, so more seeds.
  it("fuses the onnx/shared-pad spelling like the rest", async () => {
    const summary = await only("onnx/shared-pad", 120);
    expect(summary.total.blocks).toBeGreaterThan(0);
    expect(summary.mismatches.map(mismatchLine)).toEqual([]);
  });
});
