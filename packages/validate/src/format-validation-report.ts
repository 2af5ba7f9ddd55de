import type { SkippedBackend } from "./backend-name.js";
import { describeRule, type OutputComparison } from "./compare-tensors.js";
import type { LatencyReport, LatencyStats } from "./measure-latency.js";
import { DEFAULT_TOLERANCES, STORAGE_SCALE_FACTOR, type Tolerances } from "./tolerances.js";
import type { ValidationReport } from "./validation-report.js";

/** A number in 3 significant digits, exponent form when small or large. */
export function formatNumber(x: number | null): string {
  if (x === null) return "none";
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e5 ? x.toExponential(2) : x.toPrecision(3);
}

/**
 * The report as readable text: verdict, backend (and why faster ones were
 * skipped), tolerances and the pass rule, one block per sample with each
 * output's errors, worst element and the tolerances it would need, then
 * latency.
 */
export function formatValidationReport(report: ValidationReport): string {
  const lines = [
    `${report.passed ? "PASSED" : "FAILED"}: ${report.original} -> ${report.converted} (${report.format})`,
    `backend: ${report.runtime} ${report.backend}${report.requested === "auto" ? "" : ` (asked for ${report.requested})`}`,
    ...formatSkipped(report.skipped),
    formatTolerances(report.tolerances),
    ...report.problems.map((p) => `problem: ${p}`),
  ];
  for (const s of report.samples) {
    lines.push(
      `sample ${s.index} (${s.label}): ${s.inputs.map((i) => `${i.name} [${i.shape.join(", ")}]`).join(", ")}`,
    );
    for (const o of s.outputs) lines.push(...formatOutput(o, report.tolerances));
  }
  if (report.latency !== undefined) lines.push(...formatLatency(report.latency));
  return lines.join("\n");
}

/** `skipped <runtime> <backend>: <reason>`, one line each. */
export function formatSkipped(skipped: readonly SkippedBackend[]): string[] {
  return skipped.map((s) => `  skipped ${s.runtime} ${s.backend}: ${s.reason}`);
}

/** The tolerances and the pass rule in one line; `bounded`: each element also has its block's derived bound. */
export function formatTolerances(t: Tolerances, bounded = false): string {
  const why = bounded
    ? "(16 + 2 sqrt(n)) u (M_branches + M_fused) + u_w M_fused per element, M the block's magnitude (every term in absolute value), n its products per output, u = 2^-24, u_w the fused weights' storage roundoff beyond float32; weights re-quantized onto a uint8/uint16 grid add half a step times sum |x| over the element's window"
    : (t.scale ?? 0) > (DEFAULT_TOLERANCES.scale ?? 0) && t.atol === 0 && t.rtol === 0
      ? `relative to each output's largest magnitude: the conformance target ${DEFAULT_TOLERANCES.scale} plus ${STORAGE_SCALE_FACTOR} times the fused blocks' summed storage steps (float16 or re-quantized weights); each fused block is checked within its own derived bound`
      : (t.scale ?? 0) > 0 && t.atol === 0 && t.rtol === 0
        ? "relative to each output's largest magnitude: the conformance target; each fused block is checked within its own derived bound"
        : "elementwise, as given";
  return `tolerances: pass when |a - b| <= ${describeRule(t, bounded)} (a converted, b original; ${why})`;
}

/** One output's comparison in a few indented lines; `t` the tolerances it was compared with. */
export function formatOutput(o: OutputComparison, t: Tolerances): string[] {
  const name = o.name === o.convertedName ? `'${o.name}'` : `'${o.name}' / '${o.convertedName}'`;
  const head = `  ${o.passed ? "ok  " : "FAIL"} ${name} [${o.shape.join(", ")}] ${o.dtype}`;
  const lines = [head];
  if (o.absError !== null && o.relError !== null) {
    const e = o.absError;
    const r = o.relError;
    lines.push(
      `       abs error max ${formatNumber(e.max)} mean ${formatNumber(e.mean)} median ${formatNumber(e.median)} p99 ${formatNumber(e.p99)}`,
    );
    lines.push(
      `       rel error max ${formatNumber(r.max)} mean ${formatNumber(r.mean)} median ${formatNumber(r.median)} p99 ${formatNumber(r.p99)}`,
    );
  }
  if (o.worst !== null) {
    const w = o.worst;
    lines.push(
      `       worst at [${w.at.join(", ")}] (index ${w.index}): converted ${w.actual}, original ${w.expected}`,
    );
    const share = `uses ${o.used === null ? "more than" : `${formatNumber(o.used * 100)}% of`} its allowance`;
    const elementwise = (t.scale ?? 0) === 0;
    lines.push(
      `       ${share}${elementwise ? `; passes from atol ${formatNumber(o.minAtol)} (at rtol ${t.rtol}) or rtol ${formatNumber(o.minRtol)} (at atol ${t.atol})` : ""}`,
    );
  }
  if (o.classifier !== undefined) {
    const c = o.classifier;
    lines.push(
      `       argmax agrees ${c.argmaxAgree}/${c.rows}, top-${c.k} agrees ${c.topKAgree}/${c.rows} (overlap ${(c.topKOverlap * 100).toFixed(1)}%)`,
    );
  }
  for (const p of o.problems) lines.push(`       ${p}`);
  return lines;
}

function formatLatency(l: LatencyReport): string[] {
  const f = (s: LatencyStats) =>
    `median ${s.medianMs.toFixed(3)} ms (p10 ${s.p10Ms.toFixed(3)}, p90 ${s.p90Ms.toFixed(3)}, min ${s.minMs.toFixed(3)}, max ${s.maxMs.toFixed(3)})`;
  return [
    `latency (${l.runs} runs after ${l.warmup} warm-up, same backend and process):`,
    `  original  ${f(l.original)}`,
    `  converted ${f(l.converted)}`,
    `  speedup ${l.speedup.toFixed(2)}x`,
  ];
}
