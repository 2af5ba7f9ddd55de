import type { Finding, FormatSummary } from "./fuzz-decode.js";

/** `onnx: inputs N, accepted N, rejected N (by code A 3, B 1), crashes 0, hangs 0, slowest 12 ms`. */
export function formatSummary(s: FormatSummary): string {
  const codes = [...s.byCode].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const crashes = s.findings.filter((f) => f.outcome.kind === "crash").length;
  const hangs = s.findings.length - crashes;
  return (
    `${s.format}: inputs ${s.inputs}, accepted ${s.accepted}, rejected ${s.rejected} ` +
    `(by code ${codes.map(([c, n]) => `${c} ${n}`).join(", ") || "none"}), crashes ${crashes}, hangs ${hangs}, ` +
    `slowest ${Math.round(s.slowest)} ms`
  );
}

/** A finding with what rebuilds it: format, seed, the mutation notes, and the error. */
export function formatFinding(f: Finding): string {
  const what = f.outcome.kind === "crash" ? f.outcome.error.split("\n").slice(0, 6).join("\n    ") : "";
  return [
    `${f.outcome.kind} ${f.format} seed ${f.seed} at ${f.outcome.stage} (${Math.round(f.outcome.ms)} ms)`,
    ...f.notes.map((n) => `  ${n}`),
    ...(what === "" ? [] : [`  ${what}`]),
  ].join("\n");
}
