import { isReparamError, ReparamError } from "@reparam/core";
import type { BackendChoice, SkippedBackend } from "./backend-name.js";
import { backendOrder } from "./backend-order.js";
import { condenseReason } from "./condense-reason.js";
import { isRuntimeMissing, noRuntimeInstalled } from "./import-runtime.js";
import type { InputSource } from "./input-source.js";
import { loadModelSource } from "./load-model-source.js";
import type { LoadedModel, ModelSource } from "./loaded-model.js";
import type { ModelSession } from "./model-session.js";
import type { DynamicDims, InputShapes } from "./resolve-shape.js";
import { runComparison } from "./run-comparison.js";
import type { RuntimeFamilyName } from "./runtime-family-name.js";
import { runtimeFor } from "./runtime-for.js";
import { resolveTolerances, type Tolerances } from "./tolerances.js";
import type { ValidationReport } from "./validation-report.js";

/** Options of {@link validateConversion}; every one has a default. */
export interface ValidateOptions {
  /** Backend to start from (default `auto`: GPU first); slower ones are tried when it fails. See {@link BackendChoice}. */
  readonly backend?: BackendChoice;
  /** Input values (files, bytes or arrays) instead of random ones; see {@link InputSource}. */
  readonly inputs?: readonly InputSource[];
  /** Seed of the random inputs (default 0). */
  readonly seed?: number;
  /** Number of random samples (default 2); ignored with `inputs`. */
  readonly count?: number;
  /** Sizes of dynamic input dimensions by name (default: 1 for a batch dim, else the first size that runs); see {@link DynamicDims}. */
  readonly dims?: DynamicDims;
  /** Whole input shapes by input name; inputs without a declared shape (recurrent state) need one. */
  readonly shapes?: InputShapes;
  /** One value for every element of an input, by input name (a sample rate, a flag). */
  readonly values?: Readonly<Record<string, number>>;
  /** Element tolerances (default {@link DEFAULT_TOLERANCES}: atol 1e-5, rtol 1e-4). */
  readonly tolerances?: Partial<Tolerances>;
  /** Timed runs of each model for the latency report (default 0: none). */
  readonly latencyRuns?: number;
  /** Untimed runs of each model before timing (default 3). */
  readonly warmupRuns?: number;
  /** The runtime family to run both models with (default: from each model's shape, see {@link loadModelSource}). */
  readonly family?: RuntimeFamilyName;
}

/**
 * Runs the original and the converted model on the same inputs, on the same
 * backend, and compares every output (see {@link compareTensors}).
 * Backends are tried fastest first ({@link backendOrder}); a backend that
 * cannot load or run either model is skipped with its error as the reason,
 * so a run never fails while a slower backend can still do it.
 *
 * `passed` is the verdict (the CLI's `reparam verify` exits 3 when false).
 *
 * @param original - the train-time model: an `.onnx` path or bytes, a TF.js folder or `model.json` path, or TF.js files.
 * @param converted - the deploy model, of the same format.
 * @throws ReparamError `VALIDATE_RUNTIME_MISSING` when no backend's runtime
 *   package is installed (they are optional peer dependencies; the hint is
 *   the `npm i` command), `VALIDATE_NO_BACKEND` when no backend runs both models,
 *   `VALIDATE_BAD_MODEL`, `VALIDATE_FORMAT_MISMATCH`, `VALIDATE_BAD_INPUT`,
 *   `VALIDATE_INPUT_SHAPE`, `VALIDATE_BAD_OPTION`.
 */
export async function validateConversion(
  original: ModelSource,
  converted: ModelSource,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const tolerances = resolveTolerances(options.tolerances);
  const runs = options.latencyRuns ?? 0;
  if (!(Number.isInteger(runs) && runs >= 0))
    throw new ReparamError("VALIDATE_BAD_OPTION", "latencyRuns must be an integer >= 0", { found: String(runs) });
  const [a, b] = await Promise.all([
    loadModelSource(original, options.family),
    loadModelSource(converted, options.family),
  ]);
  if (a.format !== b.format) {
    throw new ReparamError("VALIDATE_FORMAT_MISMATCH", "the two models are of different formats", {
      where: b.label,
      expected: a.format,
      found: b.format,
    });
  }
  const requested = options.backend ?? "auto";
  const skipped: SkippedBackend[] = [];
  const missing: ReparamError[] = [];
  let unsized: ReparamError | undefined;
  for (const backend of backendOrder(a.format, requested)) {
    const runtime = runtimeFor(a.format, backend);
    const opened: ModelSession[] = [];
    try {
      const sa = await open(runtime.open.bind(runtime), a, "original", opened);
      const sb = await open(runtime.open.bind(runtime), b, "converted", opened);
      const body = await runComparison(sa, sb, { ...options, tolerances });
      const passed = body.problems.length === 0 && body.samples.length > 0 && body.samples.every((s) => s.passed);
      return {
        format: a.format,
        original: a.label,
        converted: b.label,
        requested,
        backend,
        runtime: runtime.runtime,
        skipped,
        tolerances,
        ...body,
        passed,
      };
    } catch (e) {
      // A runtime package that is not installed: a slower backend's may be.
      if (isRuntimeMissing(e)) missing.push(e);
      // No size runs the model here: the shape's fault, or this backend's; a slower one decides.
      else if (isReparamError(e) && e.code === "VALIDATE_INPUT_SHAPE") unsized ??= e;
      // The caller's inputs or options: no other backend would do better.
      else if (isReparamError(e)) throw e;
      skipped.push({ backend, runtime: runtime.runtime, reason: condenseReason(e) });
    } finally {
      for (const s of opened) await s.dispose().catch(() => undefined);
    }
  }
  if (unsized !== undefined) throw unsized;
  const where = `${a.label} and ${b.label}`;
  if (missing.length > 0 && missing.length === skipped.length) throw noRuntimeInstalled(missing, where);
  throw new ReparamError("VALIDATE_NO_BACKEND", "no backend could run both models", {
    where,
    found: skipped.map((s) => `${s.runtime} ${s.backend}: ${s.reason}`).join("; "),
    ...(missing[0]?.hint === undefined ? {} : { hint: `${missing[0].hint} (not installed)` }),
  });
}

async function open(
  openModel: (m: LoadedModel) => Promise<ModelSession>,
  model: LoadedModel,
  role: string,
  opened: ModelSession[],
): Promise<ModelSession> {
  try {
    const s = await openModel(model);
    opened.push(s);
    return s;
  } catch (e) {
    if (isReparamError(e)) throw e;
    throw new Error(`${role} model: ${condenseReason(e)}`, { cause: e });
  }
}
