import { chooseFreeSize } from "./choose-free-size.js";
import { compareTensors, type OutputComparison } from "./compare-tensors.js";
import { makeSamples, type SampleOptions } from "./make-samples.js";
import { measureLatency, type LatencyReport } from "./measure-latency.js";
import type { ModelSession } from "./model-session.js";
import type { NumericTensor, TensorSpec } from "./numeric-tensor.js";
import { shapeFits } from "./resolve-shape.js";
import type { Tolerances } from "./tolerances.js";
import type { SampleReport } from "./validation-report.js";

/** What {@link runComparison} needs beyond the sample options. */
export interface ComparisonOptions extends SampleOptions {
  readonly tolerances: Tolerances;
  /** Timed runs per model (0: no latency). */
  readonly latencyRuns?: number;
  readonly warmupRuns?: number;
}

/**
 * Feeds both sessions the same samples (made from the original's inputs,
 * free dims sized by {@link chooseFreeSize}) and compares every output. Inputs and outputs pair by name, or by position
 * when the names differ but the counts agree; anything that does not pair up
 * is a model-level problem.
 */
export async function runComparison(
  original: ModelSession,
  converted: ModelSession,
  options: ComparisonOptions,
): Promise<{ samples: SampleReport[]; problems: string[]; latency?: LatencyReport }> {
  const problems: string[] = [];
  const inPairs = pair(original.inputs, converted.inputs, "input", problems);
  const outPairs = pair(original.outputs, converted.outputs, "output", problems);
  if (problems.length > 0) return { samples: [], problems };
  const freeSize = await chooseFreeSize(original, options);
  const samples = await makeSamples(original.inputs, { ...options, ...(freeSize === undefined ? {} : { freeSize }) });
  const reports: SampleReport[] = [];
  for (const [index, sample] of samples.entries()) {
    const feeds = convertedFeeds(sample.feeds, inPairs, converted.inputs, problems);
    if (problems.length > 0) return { samples: reports, problems };
    const [a, b] = [await original.run(sample.feeds), await converted.run(feeds)];
    const outputs: OutputComparison[] = outPairs.map(([i, j]) => compareTensors(b[j]!, a[i]!, options.tolerances));
    const inputs = sample.feeds.map((f) => ({ name: f.name, shape: [...f.shape] }));
    reports.push({ index, label: sample.label, inputs, outputs, passed: outputs.every((o) => o.passed) });
  }
  const runs = options.latencyRuns ?? 0;
  if (runs <= 0 || samples.length === 0) return { samples: reports, problems };
  const first = samples[0]!.feeds;
  const counts = { warmup: options.warmupRuns ?? 3, runs };
  const latency = await measureLatency(
    original,
    converted,
    { original: first, converted: convertedFeeds(first, inPairs, converted.inputs, []) },
    counts,
  );
  return { samples: reports, problems, latency };
}

/** Index pairs [original, converted]: by name when every original name exists on the other side, else by position. */
function pair(
  a: readonly TensorSpec[],
  b: readonly TensorSpec[],
  what: string,
  problems: string[],
): [number, number][] {
  const byName = a.map((s) => b.findIndex((t) => t.name === s.name));
  if (byName.every((j) => j >= 0) && a.length === b.length) return byName.map((j, i) => [i, j]);
  if (a.length !== b.length) {
    problems.push(`the original has ${a.length} ${what}s (${names(a)}), the converted model ${b.length} (${names(b)})`);
    return [];
  }
  return a.map((_, i) => [i, i]);
}

function names(specs: readonly TensorSpec[]): string {
  return specs.map((s) => `'${s.name}'`).join(", ");
}

function convertedFeeds(
  feeds: readonly NumericTensor[],
  pairs: readonly [number, number][],
  specs: readonly TensorSpec[],
  problems: string[],
): NumericTensor[] {
  return pairs.map(([i, j]) => {
    const f = feeds[i]!;
    const spec = specs[j]!;
    if (!shapeFits(spec, f.shape))
      problems.push(
        `converted input '${spec.name}' takes [${(spec.dims ?? []).map((d) => d ?? "?").join(", ")}], fed [${f.shape.join(", ")}]`,
      );
    return { ...f, name: spec.name };
  });
}
