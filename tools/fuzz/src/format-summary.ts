import type { CaseResult, Counts, FuzzSummary } from "./fuzz-blocks.js";

const byCount = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/** `blocks N, fused N, refused N (REASON n, ...), mismatches N` (the reasons only when some block was refused). */
export function countsLine(c: Counts): string {
  const refused = [...c.refused.values()].reduce((a, n) => a + n, 0);
  const reasons =
    refused === 0
      ? ""
      : ` (${byCount(c.refused)
          .map(([r, n]) => `${r} ${n}`)
          .join(", ")})`;
  return `blocks ${c.blocks}, fused ${c.fused}, refused ${refused}${reasons}, mismatches ${c.mismatches}`;
}

/** How to rerun one case alone. */
export function reproduce(r: Pick<CaseResult, "seed" | "spelling">): string {
  return `FUZZ_SEED=${r.seed} FUZZ_BLOCKS=1 FUZZ_SPELLING=${r.spelling} pnpm fuzz:blocks`;
}

/** One line per mismatch: seed, spelling, family, what and why, and how to reproduce it. */
export function mismatchLine(r: CaseResult): string {
  if (r.outcome.kind !== "mismatch") return "";
  return `MISMATCH seed ${r.seed} ${r.spelling} (${r.family}) ${r.outcome.what}: ${r.outcome.detail}\n  reproduce: ${reproduce(r)}`;
}

/**
 * The report: per format, then per spelling (with the blocks each declined,
 * by reason), every mismatch, and last the summary line.
 */
export function formatSummary(s: FuzzSummary, notes: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [];
  const worst = (c: Counts) =>
    `; worst |y - R| / bound: original ${c.worst.original.toFixed(3)}, converted ${c.worst.converted.toFixed(3)}`;
  for (const [format, c] of [...s.byFormat].sort()) {
    lines.push(`${format}: ${countsLine(c)}${worst(c)}`);
    for (const [name, sc] of [...s.bySpelling].filter(([n]) => n.startsWith(`${format}`)).sort()) {
      const skipped = [...sc.skipped.values()].reduce((a, n) => a + n, 0);
      const note = notes.get(name);
      // A few skips (a reproduction run) say why; many are only counted.
      const why = skipped > 0 && skipped <= 3 ? ` (${[...sc.skipped.keys()].join("; ")})` : "";
      lines.push(
        `  ${name}: ${countsLine(sc)}${skipped === 0 ? "" : `; skipped ${skipped}${why}`}${note === undefined ? "" : ` [known: ${note}]`}`,
      );
    }
  }
  for (const m of s.mismatches) lines.push(mismatchLine(m));
  lines.push(countsLine(s.total));
  return lines.join("\n");
}
