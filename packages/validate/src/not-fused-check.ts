import type { Decision } from "@reparam/core";
import type { BlockCheck } from "./block-check.js";

/** The check line of a refused or skipped block (listed, not run); undefined for a fuse decision. */
export function notFusedCheck(d: Decision): BlockCheck | undefined {
  const { name, family } = d.candidate;
  const id = d.candidate.id ?? name;
  if (d.kind === "refuse")
    return {
      name,
      id,
      family,
      status: "not-fused",
      why: `refused (${d.refusal.reason}): ${d.refusal.message}`,
      outputs: [],
    };
  if (d.kind === "skip") return { name, id, family, status: "not-fused", why: `skipped: ${d.why}`, outputs: [] };
  return undefined;
}
