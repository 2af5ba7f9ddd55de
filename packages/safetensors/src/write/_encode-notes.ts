import type { Decision } from "@reparam/core";
import type { FusedOutput } from "./_output-entries.js";
import type { ResolvedOptions } from "../_resolve-options.js";
import { DEFAULT_EPS, schemeEps } from "../_resolve-options.js";
import { isSafetensorsCandidate } from "../safetensors-candidate.js";
import type { SafetensorsModel } from "../codec/safetensors-model.js";

const LISTED = 50;

/** The report lines of a conversion: scheme, eps, dtypes, what was dropped, kept and passed through. */
export function encodeNotes(
  model: SafetensorsModel,
  decisions: readonly Decision[],
  fused: readonly FusedOutput[],
  options: ResolvedOptions,
): string[] {
  const ours = decisions.flatMap((d) => (isSafetensorsCandidate(d.candidate) ? [d.candidate.match] : []));
  const notes: string[] = [];
  const scheme = ours[0]?.scheme;
  if (scheme !== undefined)
    notes.push(
      `naming scheme ${scheme.name} (family ${scheme.family}): ${ours.length} blocks found, ${fused.length} fused into ${scheme.deploy === "" ? "the block module itself (weight, bias)" : scheme.deploy}`,
    );
  const eps = scheme === undefined ? options.eps : schemeEps(options, scheme);
  const own = !options.epsGiven && scheme?.eps !== undefined;
  notes.push(
    `BatchNorm eps ${eps}${own ? ` (family ${scheme.family}'s; pass eps to override)` : eps === DEFAULT_EPS ? " (default, PyTorch's; pass eps for models trained with another, e.g. 1e-3 for YOLO)" : ""}`,
  );
  const dtypes = [...new Set(fused.map((f) => f.dtype))];
  if (dtypes.length > 0)
    notes.push(
      `fused tensors written as ${dtypes.join(", ")} (dtype ${options.dtype}; fused in float64, rounded once)`,
    );
  const tracked = fused.reduce(
    (n, f) => n + f.candidate.match.consumed.filter((k) => k.endsWith(".num_batches_tracked")).length,
    0,
  );
  if (tracked > 0) notes.push(`dropped ${tracked} num_batches_tracked of fused BatchNorms`);
  const assumed = ours.filter((m) => m.branches.some((b) => b.kind === "identity" && b.bn === undefined)).length;
  if (assumed > 0)
    notes.push(
      `${assumed} blocks given their key-less identity branch (nn.Identity) because their kernels read as many channels as they output: a state dict stores neither groups nor stride, so this assumes groups 1 and stride 1 (list stride-2 blocks in the strided option; a grouped block whose in / groups equals out cannot be told apart: convert its ONNX export instead)`,
    );
  const kept = ours.reduce((n, m) => n + m.kept.length, 0);
  if (kept > 0) notes.push(`kept ${kept} post-BN keys as they are (keepPostBn)`);
  const left = decisions.filter((d) => d.kind !== "fuse" && isSafetensorsCandidate(d.candidate)).length;
  if (left > 0) notes.push(`${left} blocks not fused keep their train-time keys`);
  const known = new Set(ours.flatMap((m) => [...m.consumed, ...m.kept]));
  const unknown = [...model.tensors.keys()].filter((k) => !known.has(k));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, LISTED).join(", ");
    notes.push(
      `passed through unchanged, not part of any block (${unknown.length}): ${shown}${unknown.length > LISTED ? `, ... and ${unknown.length - LISTED} more` : ""}`,
    );
  }
  return notes;
}
