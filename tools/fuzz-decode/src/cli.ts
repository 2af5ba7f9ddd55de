import { FUZZ_FORMATS, type FuzzFormat } from "./model-files.js";
import { formatFinding, formatSummary } from "./format-summary.js";
import { fuzzDecode } from "./fuzz-decode.js";
import { seedCorpus } from "./seed-corpus.js";

/**
 * `pnpm fuzz:decode`: FUZZ_SEED (default 0), FUZZ_INPUTS (per format,
 * default 2000), FUZZ_FORMAT (comma-separated: run only those). Prints one
 * line per format and every crash or hang with its seed; exits 1 when there
 * is one.
 */
async function main(): Promise<number> {
  const seed = Number(process.env.FUZZ_SEED ?? 0);
  const inputs = Number(process.env.FUZZ_INPUTS ?? 2000);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(inputs) || inputs < 0) {
    console.error(
      `FUZZ_SEED and FUZZ_INPUTS must be integers (got '${process.env.FUZZ_SEED}', '${process.env.FUZZ_INPUTS}')`,
    );
    return 2;
  }
  const only = process.env.FUZZ_FORMAT?.split(",").filter((s) => s !== "");
  const unknown = only?.filter((f) => !FUZZ_FORMATS.includes(f as FuzzFormat)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown format ${unknown.join(", ")}; known: ${FUZZ_FORMATS.join(", ")}`);
    return 2;
  }
  const corpus = await seedCorpus();
  let failed = false;
  for (const format of FUZZ_FORMATS.filter((f) => only === undefined || only.includes(f))) {
    const started = performance.now();
    const summary = await fuzzDecode({
      format,
      seed,
      inputs,
      corpus,
      onInput: (n) => {
        if (n % 1000 === 0) process.stderr.write(`\r${format}: ${n} / ${inputs}`);
      },
    });
    if (inputs >= 1000) process.stderr.write("\n");
    for (const f of summary.findings) console.log(formatFinding(f));
    console.log(`${formatSummary(summary)}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
    failed ||= summary.findings.length > 0;
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
