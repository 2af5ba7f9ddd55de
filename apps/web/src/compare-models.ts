import {
  compareTensors,
  condenseReason,
  DEFAULT_TOLERANCES,
  type BackendName,
  type ModelSession,
  type SampleReport,
  type SkippedBackend,
  type ValidationReport,
} from "@reparam/validate/browser";
import type { PageModel } from "./page-model.js";
import type { PageRuntime } from "./page-runtimes.js";
import { seededSamples } from "./seeded-samples.js";
import { webError } from "./web-error.js";

/** Output index pairs [original, converted]: by name when every name is on both sides, else by position. */
function pairOutputs(a: ModelSession, b: ModelSession): [number, number][] {
  const byName = a.outputs.map((s) => b.outputs.findIndex((t) => t.name === s.name));
  if (byName.every((j) => j >= 0)) return byName.map((j, i) => [i, j]);
  return a.outputs.map((_, i) => [i, i]);
}

async function compareSessions(
  a: ModelSession,
  b: ModelSession,
): Promise<{ samples: SampleReport[]; problems: string[] }> {
  const problems: string[] = [];
  if (a.outputs.length !== b.outputs.length || a.inputs.length !== b.inputs.length)
    problems.push(
      `the original has ${a.inputs.length} inputs and ${a.outputs.length} outputs, the converted model ${b.inputs.length} and ${b.outputs.length}`,
    );
  if (problems.length > 0) return { samples: [], problems };
  const pairs = pairOutputs(a, b);
  const samples: SampleReport[] = [];
  for (const [index, s] of seededSamples(a.inputs).entries()) {
    const converted = s.feeds.map((f, i) => ({ ...f, name: b.inputs[i]!.name }));
    const [ya, yb] = [await a.run(s.feeds), await b.run(converted)];
    const outputs = pairs.map(([i, j]) => compareTensors(yb[j]!, ya[i]!, DEFAULT_TOLERANCES));
    const inputs = s.feeds.map((f) => ({ name: f.name, shape: [...f.shape] }));
    samples.push({ index, label: s.label, inputs, outputs, passed: outputs.every((o) => o.passed) });
  }
  return { samples, problems };
}

/**
 * Runs the original and the converted model side by side on the same seeded
 * inputs, on the first backend of `runtimes` that opens and runs both, and
 * compares every output within validate's default tolerances (relative to
 * each output's largest magnitude): what `reparam verify` does for the
 * whole model, with the browser's runtimes.
 */
export async function compareModels(
  runtimeKind: string,
  runtimes: readonly PageRuntime[],
  original: PageModel,
  converted: PageModel,
): Promise<ValidationReport> {
  const skipped: SkippedBackend[] = [];
  for (const rt of runtimes) {
    const opened: ModelSession[] = [];
    try {
      const a = await rt.open(original);
      opened.push(a);
      const b = await rt.open(converted);
      opened.push(b);
      const body = await compareSessions(a, b);
      const passed = body.problems.length === 0 && body.samples.length > 0 && body.samples.every((s) => s.passed);
      return {
        format: runtimeKind as ValidationReport["format"],
        original: original.label,
        converted: converted.label,
        requested: "auto",
        // The report's type lists validate's Node backends; the page's (webgl) print the same way.
        backend: rt.backend as BackendName,
        runtime: rt.runtime,
        skipped,
        tolerances: DEFAULT_TOLERANCES,
        ...body,
        passed,
      };
    } catch (e) {
      skipped.push({ backend: rt.backend as BackendName, runtime: rt.runtime, reason: condenseReason(e) });
    } finally {
      for (const s of opened) await s.dispose().catch(() => undefined);
    }
  }
  throw webError("WEB_NO_BACKEND", "no backend could run both models", {
    where: `${original.label} and ${converted.label}`,
    found: skipped.map((s) => `${s.runtime} ${s.backend}: ${s.reason}`).join("; "),
  });
}
