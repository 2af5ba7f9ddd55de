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
    format: "tfjs",
    // Layer calls whose tensor references name no layer or call (or lost their name), a graph node input that no node
    // produces: the reference was silently dropped, a block fused on that wrong structure, and the output's block was
    // not one conv (found by the check after re-decoding); now TFJS_BAD_TOPOLOGY at decode.
    seeds: [174, 1026, 1061, 1133, 1236, 1316, 1395, 1555, 1881, 1932],
    was: "a dangling tensor reference in the topology",
  },
  {
    format: "tfjs",
    // A layer that lost its calls but is still read, a call that lost its inputs, a graph node left with fewer data
    // inputs than its op takes: fused on a broken structure; now TFJS_BAD_TOPOLOGY. 2036 and 19079: an Add that
    // lost a branch (dead, fused alone; accepted).
    seeds: [2036, 2102, 5953, 6853, 7682, 14878, 15804, 17201, 19079, 19193],
    was: "a layer or node that lost its inputs",
  },
  {
    format: "safetensors",
    // A QARepVGG post-sum BatchNorm vector of dtype I32: a plain Error from floatValues; now SAFETENSORS_UNSUPPORTED_DTYPE.
    seeds: [16431],
    was: "a post-sum BatchNorm that is not floating point",
  },
  {
    format: "pytorch",
    // A training checkpoint's 'optimizer' or 'best_acc' turned into a value stored earlier, a _rebuild_tensor_v2
    // argument tuple that holds a storage bare: the .pth writer kept its old storage key, which the output reuses or
    // lacks (the output did not load); now copied under a key of its own.
    seeds: [193492, 240375],
    was: "a storage held bare beside the state dict",
  },
];

let corpus: ModelFiles[] | undefined;

describe("fuzz regressions: inputs that once crashed", () => {
  for (const { format, seeds, was } of FOUND) {
    it(`${format}: converts or ends in a ReparamError for ${was} (${seeds.length} seeds)`, async () => {
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
