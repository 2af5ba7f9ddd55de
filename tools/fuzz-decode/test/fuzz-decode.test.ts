import { describe, expect, it } from "vitest";
import { FUZZ_FORMATS, formatFinding, formatSummary, fuzzDecode, seedCorpus, type ModelFiles } from "../src/index.js";

// CI: 2,000 inputs per format by default; FUZZ_DECODE_INPUTS and FUZZ_DECODE_SEED change the run.
const INPUTS = Number(process.env.FUZZ_DECODE_INPUTS ?? 2000);
const SEED = Number(process.env.FUZZ_DECODE_SEED ?? 0);

let corpus: ModelFiles[] | undefined;
const getCorpus = async () => (corpus ??= await seedCorpus());

describe("every decoder under mutation fuzzing", () => {
  it.each(FUZZ_FORMATS)("%s: gives a converted model or a ReparamError, within 2 s", async (format) => {
    const summary = await fuzzDecode({ format, seed: SEED, inputs: INPUTS, corpus: await getCorpus() });
    console.log(formatSummary(summary));
    expect(summary.findings.map(formatFinding)).toEqual([]);
    expect(summary.inputs).toBe(INPUTS);
    // The mutations must leave some inputs valid and reach past the first checks.
    expect(summary.accepted).toBeGreaterThan(0);
    expect(summary.byCode.size).toBeGreaterThan(3);
  });
});
