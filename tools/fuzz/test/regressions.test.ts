import { describe, expect, it } from "vitest";
import { generateBlock } from "../src/generate-block.js";
import { runCase } from "../src/run-case.js";
import { allSpellings } from "../src/spellings.js";

// Converter bugs the fuzzer found, each pinned to the seed and spelling that
// showed it. `it.fails` marks one not fixed yet: it flips (and must become
// `it`) when the fix lands.

const spelling = (name: string) => allSpellings.find((s) => s.name === name)!;

describe("fuzzer regressions", () => {
  // Grouped QARepVGG state dicts where C / g == O: the safetensors adapter
  // infers C = weight.shape[1] == O and adds the bare identity (which has no
  // keys), so the fused weights are silently wrong (off by the identity,
  // e.g. seed 3092: |y - R| = 179 where R = 70). A state dict cannot tell
  // this block from a dense in == out one: the fix is to refuse or to be told
  // (an option), not to guess. The regular spellings decline these blocks
  // (`qarepvggAmbiguity`); here they are fed anyway, and a refusal for any
  // reason counts as fixed.
  for (const [seed, name] of [
    [3092, "safetensors/qarepvgg/f32"],
    [3845, "safetensors/qarepvgg/f16"],
    [5837, "safetensors/qarepvgg/bf16"],
  ] as const) {
    it.fails(`seed ${seed} ${name}: does not fuse grouped QARepVGG with C / g == O with a phantom identity`, async () => {
      const s = spelling(name);
      const out = await runCase({ ...s, accepts: () => true }, generateBlock(seed));
      expect(
        out.kind === "fused" || out.kind === "refused" || (out.kind === "mismatch" && out.what === "refusal"),
      ).toBe(true);
    });
  }
});
