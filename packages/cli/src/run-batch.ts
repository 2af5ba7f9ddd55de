import { convertBatch, checkBatchOutput, type BatchEntry, type BatchOptions } from "./convert-batch.js";
import type { ExpandedInput } from "./expand-inputs.js";
import { batchExitCode, formatBatchLine, formatBatchTable, shown } from "./print-batch.js";
import { batchJson } from "./report-json.js";
import { reportError } from "./report-error.js";

/** How a batch prints: `json` (one object on stdout), `quiet` (only failed models and errors, no table). */
export interface BatchPrinting {
  readonly json: boolean;
  readonly quiet: boolean;
}

/**
 * `reparam convert` with several inputs (or a pattern): checks `-o`,
 * converts the batch, prints a line on stderr as each model finishes
 * (errors always; the others unless `--quiet` or `--json`; warnings unless
 * `--quiet`), then the JSON object, or the summary table unless `--quiet`,
 * on stdout. Returns the exit status
 * ({@link batchExitCode}); a bad `-o` throws before anything is converted.
 */
export async function runBatch(
  inputs: readonly ExpandedInput[],
  opts: BatchOptions,
  p: BatchPrinting,
): Promise<number> {
  if (opts.output !== undefined) await checkBatchOutput(opts.output);
  const t0 = performance.now();
  const onDone = (e: BatchEntry, thrown?: unknown) => {
    if (e.status === "error" && e.bug === true) {
      process.stderr.write(`${e.input}: `);
      reportError(thrown);
    } else if (e.status !== "ok" || !(p.json || p.quiet)) process.stderr.write(`${formatBatchLine(e)}\n`);
    if (!p.quiet) for (const w of e.warnings ?? []) process.stderr.write(`${shown(e.input)}: warning: ${w}\n`);
  };
  const entries = await convertBatch(inputs, opts, onDone);
  const seconds = (performance.now() - t0) / 1000;
  if (p.json) process.stdout.write(`${JSON.stringify(batchJson(entries, seconds))}\n`);
  else if (!p.quiet) process.stdout.write(`${formatBatchTable(entries, seconds)}\n`);
  return batchExitCode(entries);
}
