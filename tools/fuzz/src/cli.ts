import { formatSummary } from "./format-summary.js";
import { fuzzBlocks } from "./fuzz-blocks.js";
import { allSpellings } from "./spellings.js";

/**
 * `pnpm fuzz:blocks`: FUZZ_SEED (default 0), FUZZ_BLOCKS (default 500),
 * FUZZ_SPELLING (comma-separated names: run only those). Prints counts per
 * format and spelling, each mismatch with how to reproduce it, and the
 * summary line; exits 1 when there is a mismatch.
 */
async function main(): Promise<number> {
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

process.exitCode = await main();
