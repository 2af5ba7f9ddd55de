import {
  decide,
  isReparamError,
  type Candidate,
  UNIT_ROUNDOFF,
  type ReparamError,
  type Decision,
  type DeployConv,
  type Pair,
} from "@reparam/core";
import type { BackendChoice, SkippedBackend } from "./backend-name.js";
import { backendOrder } from "./backend-order.js";
import { BLOCK_CHECK_OUTPUTS, BLOCK_MODEL_FAMILY, blockCheckModel, type SingleConv } from "./block-model.js";
import { blockBound, gridAllowance } from "./block-bound.js";
import { compareTensors, type OutputComparison } from "./compare-tensors.js";
import { condenseReason } from "./condense-reason.js";
import { isRuntimeMissing, noRuntimeInstalled } from "./import-runtime.js";
import type { LoadedModel } from "./loaded-model.js";
import { magnitudeBlock, magnitudeConv } from "./magnitude-block.js";
import { makeSamples } from "./make-samples.js";
import type { ModelSession } from "./model-session.js";
import { runtimeFor } from "./runtime-for.js";
import { resolveTolerances, type Tolerances } from "./tolerances.js";
import { notFusedCheck } from "./not-fused-check.js";
import type { BlockCheck } from "./block-check.js";

type FuseDecision = Decision & { readonly kind: "fuse" };

/** Options of {@link verifyBlocks}. */
export interface VerifyBlocksOptions {
  /** Backend to start from (default `auto`); a backend that fails once is not tried again. */
  readonly backend?: BackendChoice;
  /** Spatial size [H, W] of the test input when the block does not state its `inputSize` (default [8, 8]). */
  readonly size?: Pair;
  /** Random samples per block (default 2), batch 1. */
  readonly count?: number;
  readonly seed?: number;
  /** Elementwise tolerances instead of each block's derived bound (see {@link blockBound}). */
  readonly tolerances?: Partial<Tolerances>;
  /**
   * The conv that stands for the block in the converted model (a format
   * adapter's `deployConv`), or undefined when it does not fuse the block
   * there. Default: the block's fresh fusion, rounded to float32.
   */
  readonly deployConv?: (decision: FuseDecision) => Promise<DeployConv | undefined>;
}

export type { BlockCheck } from "./block-check.js";

/** What {@link verifyBlocks} found. JSON-serializable. */
export interface BlockCheckReport {
  readonly requested: BackendChoice;
  readonly skipped: readonly SkippedBackend[];
  /** Elementwise tolerances when given; else all zero and each block has its derived bound (`bounded`). */
  readonly tolerances: Tolerances;
  readonly bounded: boolean;
  readonly blocks: readonly BlockCheck[];
  /** Blocks compared (fused ones that ran). */
  readonly checked: number;
  /** True when every block that is fused was checked and passed. */
  readonly passed: boolean;
}

/**
 * Checks each fused block on its own, whatever the format: the block's
 * train-time branches (as core read them from the original) and the conv
 * that stands for it (from the converted model, or a fresh fusion) are built
 * into one tiny ONNX model with their magnitude models on |x|
 * ({@link blockCheckModel}, {@link magnitudeBlock}) and run in onnxruntime on
 * seeded random inputs [1, C, H, W], H x W the block's `inputSize` or
 * `options.size`; the magnitudes give each output element its bound
 * ({@link blockBound}). An error in any block is found and named, however deep
 * the block sits in its network. A block merged from others (`Candidate.parts`)
 * is built from their float64 fusions, so each part is also checked against its
 * own branches and fresh fusion, listed as "(part of ...)". Refused and skipped
 * blocks are listed, not run.
 *
 * @throws ReparamError `VALIDATE_RUNTIME_MISSING` when neither onnxruntime-node
 *   nor onnxruntime-web is installed (optional peer dependencies).
 */
export async function verifyBlocks(
  decisions: readonly Decision[],
  options: VerifyBlocksOptions = {},
): Promise<BlockCheckReport> {
  const bounded =
    options.tolerances === undefined ||
    (options.tolerances.atol === undefined && options.tolerances.rtol === undefined);
  const tolerances = bounded ? { atol: 0, rtol: 0, scale: 0 } : resolveTolerances(options.tolerances);
  const requested = options.backend ?? "auto";
  const skipped: SkippedBackend[] = [];
  const blocks: BlockCheck[] = [];
  const missing: ReparamError[] = [];
  const opts = { ...options, tolerances, bounded };
  const { deployConv: _, ...partOpts } = opts;
  for (const d of decisions) {
    if (d.kind !== "fuse") {
      blocks.push(notFusedCheck(d)!);
      continue;
    }
    blocks.push(await checkBlock(d, opts, requested, { skipped, missing }));
    // A merged block's reference is built from its parts' fusions: check each part against its own branches.
    for (const part of partsOf(d.candidate)) {
      const check = await checkBlock(part, partOpts, requested, { skipped, missing });
      blocks.push({ ...check, name: `${check.name} (part of ${d.candidate.name})` });
    }
  }
  const fused = blocks.filter((b) => b.status !== "not-fused");
  return {
    requested,
    skipped,
    tolerances,
    bounded,
    blocks,
    checked: fused.filter((b) => b.outputs.length > 0).length,
    passed: fused.every((b) => b.status === "passed"),
  };
}

/** The fuse decisions of a merged block's parts, and of theirs, depth first. */
function partsOf(c: Candidate): FuseDecision[] {
  const ds = decide(c.parts ?? [], {}).filter((d): d is FuseDecision => d.kind === "fuse");
  return ds.flatMap((d) => [d, ...partsOf(d.candidate)]);
}

interface BlockModels {
  /** {@link blockCheckModel}: branches, fused conv and both magnitude models in one. */
  readonly check: LoadedModel;
  readonly inputShape: number[];
  readonly unit: number;
  /** Products per output element of the fused conv (in/groups * kh * kw). */
  readonly terms: number;
  /** Weights on an affine grid: their allowance for an input x ({@link gridAllowance}). */
  readonly grid?: (x: ArrayLike<number>) => Float64Array;
}

type CheckOptions = VerifyBlocksOptions & { readonly tolerances: Tolerances; readonly bounded: boolean };

async function blockModels(d: FuseDecision, options: CheckOptions): Promise<BlockModels | string> {
  const name = d.candidate.name;
  const block = await d.candidate.load();
  const given = options.deployConv === undefined ? undefined : await options.deployConv(d);
  if (options.deployConv !== undefined && given === undefined)
    return "the converted model does not have this block as one conv";
  const conv: SingleConv & { unit: number } = given ?? { ...(await d.fused()), unit: UNIT_ROUNDOFF.float32 };
  const [h, w] = block.inputSize ?? options.size ?? [8, 8];
  const inputShape = [1, block.inChannels, h, w];
  const magnitude = { block: magnitudeBlock(block), conv: magnitudeConv(conv) };
  const [, iPer, kh, kw] = conv.kernel.shape;
  return {
    check: bytesModel(`${name} (block check)`, blockCheckModel(block, conv, magnitude, inputShape)),
    inputShape,
    unit: conv.unit,
    terms: iPer * kh * kw,
    ...(given?.weightStep
      ? { grid: (x: ArrayLike<number>) => gridAllowance(conv, given.weightStep!, x, inputShape) }
      : {}),
  };
}

/** Backends skipped so far (a backend that failed once is not tried again), and those of them whose runtime package is missing. */
interface Skips {
  readonly skipped: SkippedBackend[];
  readonly missing: ReparamError[];
}

async function checkBlock(
  d: FuseDecision,
  options: CheckOptions,
  requested: BackendChoice,
  { skipped, missing }: Skips,
): Promise<BlockCheck> {
  const { name, family } = d.candidate;
  const id = d.candidate.id ?? name;
  let models: BlockModels | string;
  try {
    models = await blockModels(d, options);
  } catch (e) {
    return { name, id, family, status: "error", why: isReparamError(e) ? e.message : condenseReason(e), outputs: [] };
  }
  if (typeof models === "string") return { name, id, family, status: "not-fused", why: models, outputs: [] };
  const dead = new Set(skipped.map((s) => s.backend));
  for (const backend of backendOrder(BLOCK_MODEL_FAMILY, requested)) {
    if (dead.has(backend)) continue;
    const runtime = runtimeFor(BLOCK_MODEL_FAMILY, backend);
    let session: ModelSession | undefined;
    try {
      session = await runtime.open(models.check);
      const x = session.inputs.find((i) => i.name === "x")!;
      const samples = await makeSamples([x], { count: options.count ?? 2, seed: options.seed ?? 0 });
      const outputs: OutputComparison[] = [];
      for (const s of samples) {
        const f = s.feeds[0]!;
        const out = await session.run([f, { ...f, name: "ax", data: Float32Array.from(f.data, Math.abs) }]);
        const [b, a, mb, ma] = BLOCK_CHECK_OUTPUTS.map((n) => out[session!.outputs.findIndex((o) => o.name === n)]!);
        const bound = options.bounded
          ? blockBound(mb!.data, ma!.data, models.terms, models.unit, models.grid?.(f.data))
          : undefined;
        outputs.push(compareTensors({ ...a!, name: "y" }, { ...b!, name: "y" }, options.tolerances, bound));
      }
      const passed = outputs.length > 0 && outputs.every((o) => o.passed);
      const used = outputs.some((o) => o.used === null) ? null : Math.max(0, ...outputs.map((o) => o.used ?? 0));
      return {
        name,
        id,
        family,
        status: passed ? "passed" : "failed",
        backend,
        inputShape: models.inputShape,
        used,
        outputs,
      };
    } catch (e) {
      if (isRuntimeMissing(e)) missing.push(e);
      skipped.push({ backend, runtime: runtime.runtime, reason: condenseReason(e) });
    } finally {
      await session?.dispose().catch(() => undefined);
    }
  }
  // No runtime installed at all: an error to fix by installing one, not a block that failed.
  if (missing.length > 0 && missing.length === skipped.length)
    throw noRuntimeInstalled(missing, `the check of block ${name}`);
  return {
    name,
    id,
    family,
    status: "error",
    why: "no backend could run the block's models",
    inputShape: models.inputShape,
    outputs: [],
  };
}

function bytesModel(label: string, bytes: Uint8Array): LoadedModel {
  return { format: BLOCK_MODEL_FAMILY, label, bytes: async () => bytes };
}
