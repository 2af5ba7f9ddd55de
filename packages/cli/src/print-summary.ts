import type { ConvertResult } from "./convert-model.js";
import { formatTable } from "./format-table.js";

const mb = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 3 : 1)} MiB`;
/** A parameter count the way summaries print it: `7.04M`, `12.3k`, `512`. */
export const count = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);

/**
 * One line on the fused tensors re-quantized into the input's affine
 * encoding: how many, in which dtypes, and the largest error one got,
 * relative to its tensor's range (and absolute); undefined when none was.
 */
export function requantizedLine(tensors: NonNullable<ConvertResult["report"]["requantized"]>): string | undefined {
  if (tensors.length === 0) return undefined;
  const worst = tensors.reduce((w, t) => (t.relativeError > w.relativeError ? t : w));
  const dtypes = [...new Set(tensors.map((t) => t.dtype))].sort().join(", ");
  const kept = tensors.filter((t) => t.keptRange).length;
  return `re-quantized: ${tensors.length} fused tensors (${dtypes}, fresh range${kept > 0 ? `; ${kept} kept the input's` : ""}), max error ${(worst.relativeError * 100).toPrecision(3)}% of a tensor's range (${worst.maxError.toPrecision(3)} in ${worst.name})`;
}

/** A block's name as the summary prints it: with its id when another block of the report has the same name. */
function blockLabel(rep: ConvertResult["report"]): (name: string, id: string | undefined) => string {
  const seen = new Map<string, Set<string>>();
  const add = (name: string, id: string | undefined) => seen.set(name, (seen.get(name) ?? new Set()).add(id ?? name));
  for (const f of rep.fused) add(f.name, f.id);
  for (const x of rep.refused) add(x.block, x.id);
  for (const s of rep.skipped) add(s.name, s.id);
  return (name, id) =>
    id !== undefined && id !== name && (seen.get(name)?.size ?? 0) > 1 ? `${name} [id ${id}]` : name;
}

/** The human summary after `reparam convert`. */
export function formatSummary(r: ConvertResult): string {
  const rep = r.report;
  const label = blockLabel(rep);
  const lines: string[] = [];
  lines.push(
    `converted ${r.input} -> ${r.output} (${r.format}${Object.entries(rep.details)
      .map(([k, v]) => `, ${k} ${v}`)
      .join("")})`,
  );
  const fams = Object.entries(rep.families).map(([f, n]) => `${n} ${f}`);
  lines.push(
    `blocks: ${rep.blocksFound} found, ${rep.fused.length} fused${fams.length ? ` (${fams.join(", ")})` : ""}, ${rep.refused.length} refused, ${rep.skipped.length} skipped`,
  );
  if (rep.refused.length > 0) {
    lines.push("refused (left as they were):");
    lines.push(
      formatTable(
        ["block", "reason", "why"],
        rep.refused.map((x) => [label(x.block, x.id), x.reason, x.message]),
      ).replace(/^/gm, "  "),
    );
  }
  for (const s of rep.skipped) lines.push(`skipped ${label(s.name, s.id)}: ${s.why}`);
  lines.push(`parameters: ${count(rep.parameters.before)} -> ${count(rep.parameters.after)}`);
  lines.push(`size: ${mb(r.bytes.input)} -> ${mb(r.bytes.output)}`);
  lines.push("weights: fused in float64 and rounded once to the storage dtype");
  const rq = requantizedLine(rep.requantized ?? []);
  if (rq !== undefined) lines.push(rq);
  for (const n of rep.notes) lines.push(`note: ${n}`);
  lines.push(`time: ${r.seconds.toFixed(2)} s`);
  return lines.join("\n");
}
