import { isReparamError, type Decision, type Pair } from "@reparam/core";
import { backendOrder, type BackendChoice, type BackendName, type SkippedBackend } from "./backend-order.js";
import { condenseReason } from "./condense-reason.js";
import { blockModel, fusedConvModel } from "./block-model.js";
import type { OutputComparison } from "./compare-tensors.js";
import type { LoadedModel } from "./load-model-source.js";
import type { ModelSession } from "./model-session.js";
import { runComparison } from "./run-comparison.js";
import { runtimeFor } from "./runtime-for.js";
import { BLOCK_TOLERANCES, resolveTolerances, type Tolerances } from "./tolerances.js";

/** Options of {@link verifyBlocks}. */
export interface VerifyBlocksOptions {
  /** Backend to start from (default `auto`); a backend that fails once is not tried again. */
  readonly backend?: BackendChoice;
  /** Spatial size [H, W] of the test input when the block does not state its `inputSize` (default [8, 8]). */
  readonly size?: Pair;
  /** Random samples per block (default 2), batch 1. */
  readonly count?: number;
  readonly seed?: number;
  /** Default {@link BLOCK_TOLERANCES}. */
  readonly tolerances?: Partial<Tolerances>;
}

/** One block's check. */
export interface BlockCheck {
  readonly name: string;
  readonly family: string;
  /** `not-fused`: the decision was to refuse or skip (see `why`); `error`: loading, fusing or every backend failed. */
  readonly status: "passed" | "failed" | "not-fused" | "error";
  readonly why?: string;
  readonly backend?: BackendName;
  /** [1, C, H, W]. */
  readonly inputShape?: readonly number[];
  /** The block's output compared, one per sample (fused conv vs branches). */
  readonly outputs: readonly OutputComparison[];
}

/** What {@link verifyBlocks} found. JSON-serializable. */
export interface BlockCheckReport {
  readonly requested: BackendChoice;
  readonly skipped: readonly SkippedBackend[];
  readonly tolerances: Tolerances;
  readonly blocks: readonly BlockCheck[];
  /** Blocks compared (fuse decisions that ran). */
  readonly checked: number;
  /** True when every fuse decision was checked and passed. */
  readonly passed: boolean;
}

/**
 * Checks fusions where the format has no runnable graph (safetensors): for
 * each fuse decision, the block's train-time branches and its fused conv
 * (from `decision.fused()`, rounded to float32) are built as two tiny ONNX
 * models ({@link blockModel}, {@link fusedConvModel}) and run in
 * onnxruntime on seeded random inputs [1, C, H, W], H x W the block's
 * `inputSize` or `options.size`. Refused and skipped blocks are listed, not run.
 */
export async function verifyBlocks(decisions: readonly Decision[], options: VerifyBlocksOptions = {}): Promise<BlockCheckReport> {
  const tolerances = resolveTolerances(options.tolerances, BLOCK_TOLERANCES);
  const requested = options.backend ?? "auto";
  const skipped: SkippedBackend[] = [];
  const blocks: BlockCheck[] = [];
  for (const d of decisions) {
    const { name, family } = d.candidate;
    if (d.kind === "refuse") blocks.push({ name, family, status: "not-fused", why: `refused (${d.refusal.reason}): ${d.refusal.message}`, outputs: [] });
    else if (d.kind === "skip") blocks.push({ name, family, status: "not-fused", why: `skipped: ${d.why}`, outputs: [] });
    else blocks.push(await checkBlock(d, { ...options, tolerances }, requested, skipped));
  }
  const fused = blocks.filter((b) => b.status !== "not-fused");
  return { requested, skipped, tolerances, blocks, checked: fused.filter((b) => b.outputs.length > 0).length, passed: fused.every((b) => b.status === "passed") };
}

async function checkBlock(
  d: Decision & { kind: "fuse" },
  options: VerifyBlocksOptions & { tolerances: Tolerances },
  requested: BackendChoice,
  skipped: SkippedBackend[],
): Promise<BlockCheck> {
  const { name, family } = d.candidate;
  let models: { train: LoadedModel; fused: LoadedModel; inputShape: number[] };
  try {
    const block = await d.candidate.load();
    const conv = await d.fused();
    const [h, w] = block.inputSize ?? options.size ?? [8, 8];
    const inputShape = [1, block.inChannels, h, w];
    const train = blockModel(block, inputShape);
    const fused = fusedConvModel(conv, inputShape);
    models = { train: onnx(`${name} (branches)`, train), fused: onnx(`${name} (fused)`, fused), inputShape };
  } catch (e) {
    return { name, family, status: "error", why: isReparamError(e) ? e.message : condenseReason(e), outputs: [] };
  }
  const dead = new Set(skipped.map((s) => s.backend));
  for (const backend of backendOrder("onnx", requested)) {
    if (dead.has(backend)) continue;
    const runtime = runtimeFor("onnx", backend);
    const opened: ModelSession[] = [];
    try {
      const a = await runtime.open(models.train);
      opened.push(a);
      const b = await runtime.open(models.fused);
      opened.push(b);
      const { samples, problems } = await runComparison(a, b, { ...options, count: options.count ?? 2, seed: options.seed ?? 0 });
      const outputs = samples.flatMap((s) => s.outputs);
      const passed = problems.length === 0 && outputs.length > 0 && outputs.every((o) => o.passed);
      const why = problems.length > 0 ? { why: problems.join("; ") } : {};
      return { name, family, status: passed ? "passed" : "failed", ...why, backend, inputShape: models.inputShape, outputs };
    } catch (e) {
      skipped.push({ backend, runtime: runtime.runtime, reason: condenseReason(e) });
    } finally {
      for (const s of opened) await s.dispose().catch(() => undefined);
    }
  }
  return { name, family, status: "error", why: "no backend could run the block's models", inputShape: models.inputShape, outputs: [] };
}

function onnx(label: string, bytes: Uint8Array): LoadedModel {
  return { format: "onnx", label, bytes: async () => bytes };
}
