import type { RegionResult } from "./check-region.js";
import type { RegionCounts, RegionSummary } from "./fuzz-regions.js";

const byCount = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/** `regions N, collapsed N (expected N/N), Conv/Gemm a vs ideal i (from b), mismatches N, refused REASON n ...`. */
export function regionCountsLine(c: RegionCounts): string {
  const refused =
    c.refused.size === 0
      ? ""
      : `, refused ${byCount(c.refused)
          .map(([r, n]) => `${r} ${n}`)
          .join(", ")}`;
  return (
    `regions ${c.regions}, collapsed ${c.collapsed} (expected ${c.expectedCollapsed}/${c.expected}), ` +
    `Conv/Gemm ${c.after} vs ideal ${c.ideal} (from ${c.before}), mismatches ${c.mismatches}${refused}`
  );
}

/** How to rerun one region alone. */
export function reproduceRegion(seed: number): string {
  return `FUZZ_SEED=${seed} FUZZ_REGIONS=1 pnpm fuzz:blocks regions`;
}

/** One line for a region that missed the bound or was not collapsed as expected. */
export function regionLine(r: RegionResult): string {
  const { spec } = r;
  const what = r.mismatch === undefined ? "NOT COLLAPSED" : `MISMATCH ${r.mismatch.what}: ${r.mismatch.detail}`;
  const tags = spec.tags.length === 0 ? "" : ` [${spec.tags.join(", ")}]`;
  return (
    `${what} seed ${spec.seed} ${spec.klass}${tags} (segments ${spec.segments.join(", ")}): ` +
    `Conv/Gemm ${r.after} vs ideal ${spec.ideal}, other linear ops left ${r.leftover}` +
    `${r.refused.length === 0 ? "" : `, refused ${r.refused.join(", ")}`}\n  reproduce: ${reproduceRegion(spec.seed)}`
  );
}

/** The report: per class, per tag, each mismatch and uncollapsed region (the first 20), then the total line. */
export function formatRegions(s: RegionSummary): string {
  const worst = (c: RegionCounts) =>
    `; worst |y - R| / bound: original ${c.worst.original.toFixed(3)}, converted ${c.worst.converted.toFixed(3)}`;
  const lines = ["per class:"];
  for (const [k, c] of [...s.byClass].sort()) lines.push(`  ${k}: ${regionCountsLine(c)}${worst(c)}`);
  lines.push("per tag:");
  for (const [k, c] of [...s.byTag].sort()) lines.push(`  ${k}: ${regionCountsLine(c)}`);
  for (const e of s.generatorErrors) lines.push(`GENERATOR seed ${e.seed}: ${e.message}`);
  for (const r of s.mismatches) lines.push(regionLine(r));
  for (const r of s.uncollapsed.slice(0, 20)) lines.push(regionLine(r));
  if (s.uncollapsed.length > 20) lines.push(`... and ${s.uncollapsed.length - 20} more not collapsed`);
  lines.push(`total: ${regionCountsLine(s.total)}${worst(s.total)}`);
  return lines.join("\n");
}
