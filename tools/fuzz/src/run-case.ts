import { isReparamError } from "@reparam/core";
import type { BlockSpec } from "./block-spec.js";
import { blockInput } from "./block-input.js";
import { type OutputCheck, checkOutput, productsPerOutput, tinyTerm } from "./bound.js";
import { convertModel } from "./convert-model.js";
import { onnxFusedCheck } from "./onnx/onnx-fused-check.js";
import { type Reference, referenceOf } from "./reference.js";
import type { ModelFiles, SpelledModel, Spelling } from "./spelling.js";
import { tfjsFusedCheck } from "./tfjs-fused-check.js";

/** What happened to one block in one spelling. */
export type Outcome =
  | { readonly kind: "fused" }
  | { readonly kind: "refused"; readonly reasons: readonly string[] }
  | { readonly kind: "skipped"; readonly why: string }
  /** `what`: original (the spelling is wrong), converter-error, refusal (a reason that is not true), unfused, converted. */
  | { readonly kind: "mismatch"; readonly what: string; readonly detail: string };

function describe(c: OutputCheck): string {
  if (c.shapeError !== undefined) return c.shapeError;
  const w = c.worst;
  const nan = c.nonFinite > 0 ? `${c.nonFinite} non-finite values; ` : "";
  return `${nan}|y - R| = ${w.diff.toExponential(3)} > bound ${w.bound.toExponential(3)} at element ${w.index} (y ${w.actual}, R ${w.expected})`;
}

function errorText(e: unknown): string {
  if (isReparamError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

async function fusedCheck(spelling: Spelling, converted: ModelFiles, stored: BlockSpec): Promise<true | string> {
  if (spelling.checkFused !== undefined) return spelling.checkFused(converted, stored);
  if (spelling.format === "onnx") return onnxFusedCheck(converted, stored);
  if (spelling.format === "tfjs") return tfjsFusedCheck(converted, stored);
  throw new Error(`spelling ${spelling.name} has no fused check`);
}

/** A case's {@link Outcome}, and for a fused block how close its outputs came to the bound. */
export interface CaseCheck {
  readonly outcome: Outcome;
  /** Largest |y - R| / bound of the original and of the converted output (each <= 1), for fused blocks. */
  readonly errors?: { readonly original: number; readonly converted: number };
}

/** {@link checkCase}'s outcome alone. */
export async function runCase(spelling: Spelling, spec: BlockSpec): Promise<Outcome> {
  return (await checkCase(spelling, spec)).outcome;
}

/**
 * Runs one block in one spelling: writes it; runs the original on the real
 * runtime against the float64 reference (a miss there is the spelling's
 * bug); converts it through `reparameterize`; then requires a fused block
 * (one conv, nothing of the block left) whose output is within the bound, or
 * a refusal whose reason the spelling says is true, and no NaN anywhere.
 */
export async function checkCase(spelling: Spelling, spec: BlockSpec): Promise<CaseCheck> {
  const accepted = spelling.accepts(spec);
  if (accepted !== true) return { outcome: { kind: "skipped", why: accepted } };
  const mismatch = (what: string, detail: string): CaseCheck => ({ outcome: { kind: "mismatch", what, detail } });
  let model: SpelledModel;
  let ref: Reference;
  let tiny = 0;
  let originalError = 0;
  const x = blockInput(spec);
  try {
    model = await spelling.write(spec);
    ref = referenceOf(model.stored, { data: Float64Array.from(x.data), shape: x.shape });
    tiny = tinyTerm(model.stored, model.unit);
    const original = checkOutput(
      await spelling.run(model, model.stored, x),
      ref,
      model.unit,
      tiny,
      productsPerOutput(model.stored),
    );
    if (!original.ok) return mismatch("original", `the spelled model misses the reference: ${describe(original)}`);
    originalError = original.excess;
  } catch (e) {
    return mismatch("original", `writing or running the spelled model failed: ${errorText(e)}`);
  }
  let result: Awaited<ReturnType<typeof convertModel>>;
  try {
    result = await convertModel(spelling.format, model, spelling.convertOptions?.(model.stored) ?? {});
  } catch (e) {
    return mismatch("converter-error", errorText(e));
  }
  const { report, converted } = result;
  if (report.refused.length > 0) {
    const allowed = spelling.expectedRefusals?.(model.stored) ?? [];
    const wrong = report.refused.filter((r) => !allowed.includes(r.reason));
    if (wrong.length > 0) return mismatch("refusal", wrong.map((r) => `${r.reason}: ${r.message}`).join("; "));
    return { outcome: { kind: "refused", reasons: report.refused.map((r) => r.reason) } };
  }
  if (report.skipped.length > 0)
    return { outcome: { kind: "skipped", why: report.skipped.map((s) => s.why).join("; ") } };
  if (report.fused.length !== 1)
    return mismatch("unfused", `${report.fused.length} blocks fused, ${report.blocksFound} found`);
  const fused = await fusedCheck(spelling, converted, model.stored);
  if (fused !== true) return mismatch("unfused", fused);
  let out: OutputCheck;
  try {
    out = checkOutput(
      await spelling.run(converted, model.stored, x),
      ref,
      model.unit,
      tiny,
      productsPerOutput(model.stored),
    );
  } catch (e) {
    return mismatch("converted", `running the converted model failed: ${errorText(e)}`);
  }
  if (!out.ok) return mismatch("converted", describe(out));
  return { outcome: { kind: "fused" }, errors: { original: originalError, converted: out.excess } };
}
