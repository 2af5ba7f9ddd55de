import type { Candidate, ConvertOptions, Decision, FormatAdapter, ModelInput, ModelOutput } from "./adapter.js";
import { fuseWithPlan } from "../engine/fuse-block.js";
import { fuseTo } from "../engine/fuse-to.js";
import type { FusePlan } from "../block/fuse-plan.js";
import type { Refusal } from "../block/refusal.js";
import { planBlock } from "../block/plan-block.js";
import { branchLabel } from "./branch-label.js";
import type { ConversionReport, FusedBlockReport } from "./report.js";
import { blockMatch } from "../shared/block-match.js";
import { fuseTogether } from "./fuse-together.js";

/** Progress of a conversion: a phase and, where countable, done of total (`fuse`: blocks, fractions while a block is fused in windows). */
export interface Progress {
  readonly phase: "read" | "match" | "fuse" | "write";
  readonly done: number;
  readonly total: number;
}

/** An adapter's {@link FormatAdapter.canWrite} bound to its model: undefined when the writer can place the block. */
export type CanWrite = (candidate: Candidate, plan: FusePlan) => Refusal | undefined;

/**
 * Decides, per candidate, whether to fuse (with its plan), refuse or skip;
 * a candidate's own `plan` is used as it is, the others are planned here. A
 * block the writer cannot place (`canWrite`) is refused with its reason.
 * Candidates of one group fuse together or not at all ({@link fuseTogether}).
 */
export function decide(candidates: readonly Candidate[], options: ConvertOptions, canWrite?: CanWrite): Decision[] {
  const fuser = options.fuser ?? fuseTo;
  const decisions = candidates.map((candidate): Decision => {
    const excluded = options.exclude?.find((p) => blockMatch(p, candidate));
    if (excluded !== undefined) return { kind: "skip", candidate, why: `excluded by '${excluded}'` };
    const single = candidate.layout.branches.length === 1 && candidate.layout.postBn === undefined;
    if (options.only === "bn" && !single)
      return { kind: "skip", candidate, why: "multi-branch fusion turned off (--only bn)" };
    if (options.only === "branches" && single)
      return { kind: "skip", candidate, why: "single conv+BN folding turned off (--only branches)" };
    const planned = candidate.plan ?? planBlock(candidate.layout);
    const withId = (r: Refusal): Refusal => (candidate.id === undefined ? r : { ...r, id: candidate.id });
    if (!planned.ok) return { kind: "refuse", candidate, refusal: withId(planned.refusal) };
    const plan = planned.plan;
    const unwritable = canWrite?.(candidate, plan);
    if (unwritable !== undefined) return { kind: "refuse", candidate, refusal: withId(unwritable) };
    const hwio = candidate.loadHwio === undefined ? {} : { loadHwio: () => candidate.loadHwio!() };
    return {
      kind: "fuse",
      candidate,
      plan,
      load: () => candidate.load(),
      ...hwio,
      fuse: (block, target) => fuser(block, plan, target),
      fused: async () => fuseWithPlan(await candidate.load(), plan),
    };
  });
  return fuseTogether(decisions);
}

/** {@link decide} for `adapter`'s model: with its `canWrite` bound, so hosts (inspect, verify) decide as convert does. */
export function decideFor<M>(
  adapter: FormatAdapter<M>,
  model: M,
  candidates: readonly Candidate[],
  options: ConvertOptions,
): Decision[] {
  const canWrite = adapter.canWrite && ((c: Candidate, p: FusePlan) => adapter.canWrite!(model, c, p));
  return decide(candidates, options, canWrite);
}

/**
 * The decisions with progress counted from inside the fusion: each block's
 * share is the output channels its `fuse` calls covered (a windowed writer
 * counts window by window; a block fused twice counts once), and `fused()`
 * counts the whole block. The time spent in `fuse` adds up in `clock.fuse` (ms).
 */
function counted(
  decisions: readonly Decision[],
  onProgress: ((p: Progress) => void) | undefined,
  clock: { fuse: number },
): Decision[] {
  const total = decisions.filter((d) => d.kind === "fuse").length;
  let done = 0;
  return decisions.map((d): Decision => {
    if (d.kind !== "fuse") return d;
    const o = d.plan.kernelShape[0];
    let share = 0;
    const add = (rows: number) => {
      const next = Math.min(1, share + rows / o);
      done += next - share;
      share = next;
      onProgress?.({ phase: "fuse", done: Math.min(total, Math.round(done * 1e6) / 1e6), total });
    };
    return {
      ...d,
      fuse: (block, target) => {
        const t0 = Date.now();
        const arrays = d.fuse(block, target);
        clock.fuse += Date.now() - t0;
        add((target.window?.to ?? o) - (target.window?.from ?? 0));
        return arrays;
      },
      fused: async () => {
        const conv = await d.fused();
        add(o);
        return conv;
      },
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
  const t0 = Date.now();
  onProgress?.({ phase: "read", done: 0, total: 1 });
  const model = await adapter.decode(input, options);
  const t1 = Date.now();
  onProgress?.({ phase: "match", done: 0, total: 1 });
  const { candidates, refused: matchRefused } = await adapter.findBlocks(model, options);
  const decisions = decideFor(adapter, model, candidates, options);
  const clock = { fuse: 0 };
  const tracked = counted(decisions, onProgress, clock);
  const t2 = Date.now();
  const stats = await adapter.encode(model, tracked, output, options);
  const t3 = Date.now();
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
      id: d.candidate.id ?? name,
      family,
      branches: layout.branches.map(branchLabel),
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
    skipped: decisions.flatMap((d) =>
      d.kind === "skip" ? [{ name: d.candidate.name, id: d.candidate.id ?? d.candidate.name, why: d.why }] : [],
    ),
    families,
    parameters: { before: adapter.parameterCount(model), after: stats.parametersAfter },
    bytesWritten: stats.bytesWritten,
    notes: stats.notes ?? [],
    ...(stats.requantized !== undefined && stats.requantized.length > 0 ? { requantized: stats.requantized } : {}),
    seconds: {
      decode: (t1 - t0) / 1e3,
      match: (t2 - t1) / 1e3,
      fuse: clock.fuse / 1e3,
      write: (t3 - t2 - clock.fuse) / 1e3,
    },
  };
}
