import type { Decision } from "./adapter.js";

/**
 * Candidates of one group (`Candidate.group`) fuse together or not at all:
 * when a member is skipped or refused, every member that would fuse is
 * skipped too, saying which member held it back. Other decisions pass as
 * they are, in order.
 */
export function fuseTogether(decisions: readonly Decision[]): Decision[] {
  const held = new Map<string, Decision>();
  for (const d of decisions) {
    const g = d.candidate.group;
    if (g !== undefined && d.kind !== "fuse" && !held.has(g)) held.set(g, d);
  }
  if (held.size === 0) return [...decisions];
  return decisions.map((d): Decision => {
    const by = d.candidate.group === undefined ? undefined : held.get(d.candidate.group);
    if (d.kind !== "fuse" || by === undefined) return d;
    const what = by.kind === "refuse" ? `refused (${by.refusal.reason})` : "skipped";
    const other = by.candidate.id ?? by.candidate.name;
    return {
      kind: "skip",
      candidate: d.candidate,
      why: `fuses only with the other blocks of group '${d.candidate.group}' (one BatchNorm folded into all of them), and '${other}' is ${what}`,
    };
  });
}
