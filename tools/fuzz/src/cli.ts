// Each mode loads only what it runs (the region fuzzer needs the ONNX adapter alone).

/**
 * `pnpm fuzz:blocks regions`: FUZZ_SEED (default 0), FUZZ_REGIONS (default
 * 1000) random linear regions through the ONNX adapter; prints counts per
 * class and tag, each mismatch and region not collapsed as expected, and
 * the total line; exits 1 when there is a mismatch or such a region.
 */
async function regions(): Promise<number> {
  const { formatRegions } = await import("./region/format-regions.js");
  const { fuzzRegions } = await import("./region/fuzz-regions.js");
  const seed = Number(process.env.FUZZ_SEED ?? 0);
  const count = Number(process.env.FUZZ_REGIONS ?? 1000);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(count) || count < 0) {
    console.error(
      `FUZZ_SEED and FUZZ_REGIONS must be integers (got '${process.env.FUZZ_SEED}', '${process.env.FUZZ_REGIONS}')`,
    );
    return 2;
  }
  const started = performance.now();
  const summary = await fuzzRegions({
    seed,
    regions: count,
    onRegion: (_, i) => {
      if ((i + 1) % 1000 === 0) process.stderr.write(`\r${i + 1} / ${count} regions`);
    },
  });
  if (count >= 1000) process.stderr.write("\n");
  console.log(formatRegions(summary));
  console.log(`seed ${seed}, ${count} random regions, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return summary.total.mismatches > 0 || summary.uncollapsed.length > 0 ? 1 : 0;
}

/**
 * `pnpm fuzz:blocks`: FUZZ_SEED (default 0), FUZZ_BLOCKS (default 500),
 * FUZZ_SPELLING (comma-separated names: run only those). Prints counts per
 * format and spelling, each mismatch with how to reproduce it, and the
 * summary line; exits 1 when there is a mismatch.
 */
async function main(): Promise<number> {
  const { formatSummary } = await import("./format-summary.js");
  const { fuzzBlocks } = await import("./fuzz-blocks.js");
  const { allSpellings } = await import("./spellings.js");
  const seed = Number(process.env.FUZZ_SEED ?? 0);
  const blocks = Number(process.env.FUZZ_BLOCKS ?? 500);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(blocks) || blocks < 0) {
    console.error(
      `FUZZ_SEED and FUZZ_BLOCKS must be integers (got '${process.env.FUZZ_SEED}', '${process.env.FUZZ_BLOCKS}')`,
    );
    return 2;
  }
  const only = process.env.FUZZ_SPELLING?.split(",").filter((s) => s !== "");
  const unknown = only?.filter((n) => !allSpellings.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown spelling ${unknown.join(", ")}; known: ${allSpellings.map((s) => s.name).join(", ")}`);
    return 2;
  }
  const started = performance.now();
  let last = seed - 1;
  const summary = await fuzzBlocks({
    seed,
    blocks,
    spellings: allSpellings,
    ...(only === undefined ? {} : { only }),
    onCase: (r) => {
      if (r.seed !== last && (r.seed - seed) % 1000 === 0 && r.seed > seed)
        process.stderr.write(`\r${r.seed - seed} / ${blocks} blocks`);
      last = r.seed;
    },
  });
  if (blocks >= 1000) process.stderr.write("\n");
  const notes = new Map(
    allSpellings.flatMap((s) => (s.knownIssue === undefined ? [] : [[s.name, s.knownIssue] as const])),
  );
  console.log(formatSummary(summary, notes));
  console.log(`seed ${seed}, ${blocks} random blocks, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return summary.total.mismatches > 0 ? 1 : 0;
}

process.exitCode = process.argv[2] === "regions" ? await regions() : await main();
