import { describe, expect, it } from "vitest";
import { ADAPTERS, type FuzzFormat, type ModelFiles, mutateInput, runInput, seedCorpus } from "../src/index.js";

/**
 * Every input the fuzzer once crashed on, by format and seed (rebuilt with
 * `mutateInput(corpus of that format, seed)`), and what was wrong.
 */
const FOUND: ReadonlyArray<{ format: FuzzFormat; seeds: readonly number[]; was: string }> = [
  {
    format: "tfjs",
    // A layer without config, a layer that is not an object, inbound_nodes not a list, node inputs that
    // are not strings: TypeErrors in block matching; now TFJS_BAD_TOPOLOGY at decode.
    seeds: [
      306, 487, 507, 651, 736, 805, 1112, 1199, 1280, 1427, 1499, 1518, 1665, 1678, 1734, 1749, 1898, 1899, 2287, 2513,
      2650, 2911, 2985,
    ],
    was: "TypeError in findBlocks on a malformed topology",
  },
  {
    format: "tfjs",
    // An int attribute written as 1e400 (Infinity once parsed) was accepted, and written back as null.
    seeds: [8653],
    was: "a model.json number that JSON cannot write back",
  },
  {
    format: "safetensors",
    // A QARepVGG post-sum BatchNorm vector of dtype I32: a plain Error from floatValues; now SAFETENSORS_UNSUPPORTED_DTYPE.
    seeds: [16431],
    was: "a post-sum BatchNorm that is not floating point",
  },
];

let corpus: ModelFiles[] | undefined;

describe("fuzz regressions: inputs that once crashed now convert or end in a ReparamError", () => {
  for (const { format, seeds, was } of FOUND) {
    it(`${format}: ${was} (${seeds.length} seeds)`, async () => {
      corpus ??= await seedCorpus();
      const own = corpus.filter((m) => m.format === format);
      for (const seed of seeds) {
        const outcome = await runInput(ADAPTERS[format], mutateInput(own, seed).model);
        expect([seed, outcome.kind]).not.toEqual([seed, "crash"]);
        expect([seed, outcome.kind]).not.toEqual([seed, "hang"]);
      }
    });
  }
});
