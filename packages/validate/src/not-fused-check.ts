import type { Decision } from "@reparam/core";
import type { BlockCheck } from "./block-check.js";

/** The check line of a refused or skipped block (listed, not run); undefined for a fuse decision. */
export function notFusedCheck(d: Decision): BlockCheck | undefined {
  const { name, family } = d.candidate;
  if (d.kind === "refuse")
    return {
      name,
      family,
      status: "not-fused",
      why: `refused (${d.refusal.reason}): ${d.refusal.message}`,
      outputs: [],
    };
  if (d.kind === "skip") return { name, family, status: "not-fused", why: `skipped: ${d.why}`, outputs: [] };
  return undefined;
}
