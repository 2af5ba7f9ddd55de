import { formatNumber, formatSkipped, formatTolerances } from "./format-validation-report.js";
import type { BlockCheckReport } from "./verify-blocks.js";

/** A {@link BlockCheckReport} as text: verdict, skipped backends, then one line per block with its largest errors. */
export function formatBlockCheckReport(report: BlockCheckReport): string {
  const failed = report.blocks.filter((b) => b.status === "failed" || b.status === "error").length;
  const lines = [
    `${report.passed ? "PASSED" : "FAILED"}: ${report.checked} fused blocks checked, ${failed} failed`,
    ...formatSkipped(report.skipped),
    formatTolerances(report.tolerances, report.bounded),
  ];
  const names = new Map<string, number>();
  for (const b of report.blocks) names.set(b.name, (names.get(b.name) ?? 0) + 1);
  for (const b of report.blocks) {
    // A name several blocks share (`p2o`, `PartitionedCall`) gets the block's id beside it.
    const shared = b.id !== undefined && b.id !== b.name && (names.get(b.name) ?? 0) > 1;
    const label = shared ? `${b.name} [id ${b.id}]` : b.name;
    const maxAbs = Math.max(0, ...b.outputs.map((o) => o.absError?.max ?? 0));
    const maxRel = Math.max(0, ...b.outputs.map((o) => o.relError?.max ?? 0));
    const where = b.backend === undefined ? "" : ` on ${b.backend}, input [${(b.inputShape ?? []).join(", ")}]`;
    const share =
      b.used === undefined
        ? ""
        : `, ${b.used === null ? "beyond" : `${formatNumber(b.used * 100)}% of`} its ${report.bounded ? "bound" : "tolerance"}`;
    const errors =
      b.outputs.length > 0 ? `: max abs ${formatNumber(maxAbs)}, max rel ${formatNumber(maxRel)}${share}` : "";
    lines.push(
      `  ${b.status.padEnd(9)} ${label} (${b.family})${where}${errors}${b.why === undefined ? "" : ` - ${b.why}`}`,
    );
    for (const o of b.outputs) for (const p of o.problems) lines.push(`            ${p}`);
  }
  return lines.join("\n");
}
