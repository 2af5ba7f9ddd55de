import type { Block } from "../block/block.js";
import type { Candidate, ConvertOptions, Decision, FormatAdapter, ModelInput, ModelOutput } from "./adapter.js";
import { fuseWithPlan } from "../engine/fuse-block.js";
import type { KernelShape } from "../block/kernel.js";
import { planBlock } from "../block/plan-block.js";
import type { ConversionReport, FusedBlockReport } from "./report.js";
import { kindOf } from "../branch/branch-kinds.js";
import { globMatch } from "../shared/glob-match.js";

/** Progress of a conversion: a phase and, where countable, done of total. */
export interface Progress {
  readonly phase: "read" | "match" | "fuse" | "write";
  readonly done: number;
  readonly total: number;
}

function describeBranches(block: Block<KernelShape>): string[] {
  return block.branches.map((b) => kindOf(b).describe(b));
}

/**
 * Decides, per candidate, whether to fuse (with its plan), refuse or skip;
 * a candidate's own `plan` is used as it is, the others are planned here.
 */
export function decide(candidates: readonly Candidate[], options: ConvertOptions): Decision[] {
  return candidates.map((candidate): Decision => {
    const excluded = options.exclude?.find((p) => globMatch(p, candidate.name));
    if (excluded !== undefined) return { kind: "skip", candidate, why: `excluded by '${excluded}'` };
    const single = candidate.layout.branches.length === 1 && candidate.layout.postBn === undefined;
    if (options.only === "bn" && !single)
      return { kind: "skip", candidate, why: "multi-branch fusion turned off (--only bn)" };
    if (options.only === "branches" && single)
      return { kind: "skip", candidate, why: "single conv+BN folding turned off (--only branches)" };
    const planned = candidate.plan ?? planBlock(candidate.layout);
    if (!planned.ok) return { kind: "refuse", candidate, refusal: planned.refusal };
    const plan = planned.plan;
    const hwio = candidate.loadHwio === undefined ? {} : { loadHwio: () => candidate.loadHwio!() };
    return {
      kind: "fuse",
      candidate,
      plan,
      load: () => candidate.load(),
      ...hwio,
      fused: async () => fuseWithPlan(await candidate.load(), plan),
    };
  });
}

/**
 * Converts a model with a format adapter: decode, find blocks, plan each
 * fusion (from shapes and BNs), let the adapter write the result while it
 * pulls fused kernels one block at a time, and report what happened.
 */
export async function reparameterize<M>(
  adapter: FormatAdapter<M>,
  input: ModelInput,
  output: ModelOutput,
  options: ConvertOptions = {},
  onProgress?: (p: Progress) => void,
): Promise<ConversionReport> {
  onProgress?.({ phase: "read", done: 0, total: 1 });
  const model = await adapter.decode(input, options);
  onProgress?.({ phase: "match", done: 0, total: 1 });
  const { candidates, refused: matchRefused } = await adapter.findBlocks(model, options);
  const decisions = decide(candidates, options);
  let done = 0;
  const total = decisions.filter((d) => d.kind === "fuse").length;
  const tracked = decisions.map((d): Decision => {
    if (d.kind !== "fuse") return d;
    // A block counts once, whether the adapter asks for its float64 conv or loads it to fuse itself.
    const tick = () => onProgress?.({ phase: "fuse", done: ++done, total });
    const counted = (load: () => Promise<Block>) => async () => {
      const block = await load();
      tick();
      return block;
    };
    return {
      ...d,
      load: counted(() => d.load()),
      ...(d.loadHwio === undefined ? {} : { loadHwio: counted(d.loadHwio) }),
      fused: async () => {
        const conv = await d.fused();
        tick();
        return conv;
      },
    };
  });
  const stats = await adapter.encode(model, tracked, output, options);
  onProgress?.({ phase: "write", done: 1, total: 1 });
  const fused: FusedBlockReport[] = [];
  const families: Record<string, number> = {};
  for (const d of decisions) {
    if (d.kind !== "fuse") continue;
    const { name, family, layout } = d.candidate;
    families[family] = (families[family] ?? 0) + 1;
    const [, , kh, kw] = d.plan.kernelShape;
    fused.push({
      name,
      family,
      branches: describeBranches(layout),
      kernel: `${kh}x${kw}`,
      stride: d.plan.stride,
      groups: d.plan.groups,
    });
  }
  return {
    format: adapter.format,
    details: adapter.describe?.(model) ?? {},
    blocksFound: candidates.length + matchRefused.length,
    fused,
    refused: [...matchRefused, ...decisions.flatMap((d) => (d.kind === "refuse" ? [d.refusal] : []))],
    skipped: decisions.flatMap((d) => (d.kind === "skip" ? [{ name: d.candidate.name, why: d.why }] : [])),
    families,
    parameters: { before: adapter.parameterCount(model), after: stats.parametersAfter },
    bytesWritten: stats.bytesWritten,
    notes: stats.notes ?? [],
  };
}
