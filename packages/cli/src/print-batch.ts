import { isAbsolute, relative } from "node:path";
import type { BatchEntry } from "./convert-batch.js";
import { EXIT } from "./exit-codes.js";
import { formatTable } from "./format-table.js";
import { count } from "./print-summary.js";

/** A path as the user would type it: relative to the working folder when inside it. */
export function shown(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

const status = (e: BatchEntry) => (e.status === "error" ? `error ${e.error.code}` : e.status);

/** The line printed as a model of a batch finishes: what it wrote, or its error (and hint) the way the CLI prints errors. */
export function formatBatchLine(e: BatchEntry): string {
  if (e.status === "error") {
    const hint = e.error.hint === undefined ? "" : `\nhint: ${e.error.hint}`;
    return `${shown(e.input)}: error ${e.error.code}: ${e.error.message}${hint}`;
  }
  const fused = `${e.report.fused.length} fused, ${e.report.refused.length} refused`;
  const verdict = e.status === "mismatch" ? ", verify FAILED" : e.verify ? ", verify passed" : "";
  return `converted ${shown(e.input)} -> ${shown(e.output)} (${e.format}, ${fused}, ${e.seconds.toFixed(2)} s${verdict})`;
}

/** The summary table printed after a batch: one row per model, then the totals. */
export function formatBatchTable(entries: readonly BatchEntry[], seconds: number): string {
  const rows = entries.map((e) => [
    shown(e.input),
    e.format ?? "-",
    e.report ? `${e.report.fused.length}/${e.report.refused.length}` : "-",
    e.report ? `${count(e.report.parameters.before)} -> ${count(e.report.parameters.after)}` : "-",
    `${e.seconds.toFixed(2)} s`,
    status(e),
  ]);
  const ok = entries.filter((e) => e.status === "ok").length;
  return [
    formatTable(["model", "format", "fused/refused", "parameters", "time", "status"], rows),
    "",
    `${ok} converted, ${entries.length - ok} failed, ${seconds.toFixed(2)} s`,
  ].join("\n");
}

/**
 * The exit status of a batch: a bug anywhere gives 2, else any failed model
 * 1, else a `--verify` mismatch 3, else 0.
 */
export function batchExitCode(entries: readonly BatchEntry[]): number {
  if (entries.some((e) => e.status === "error" && e.bug === true)) return EXIT.bug;
  if (entries.some((e) => e.status === "error")) return EXIT.reparamError;
  if (entries.some((e) => e.status === "mismatch")) return EXIT.mismatch;
  return EXIT.ok;
}
