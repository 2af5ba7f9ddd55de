import { percentile } from "./error-stats.js";
import type { ModelSession } from "./model-session.js";
import type { NumericTensor } from "./numeric-tensor.js";

/** Wall-clock times of one model's timed runs, in milliseconds. */
export interface LatencyStats {
  readonly medianMs: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** 10th and 90th percentiles: the spread without the outliers. */
  readonly p10Ms: number;
  readonly p90Ms: number;
}

/** Latency of both models on the same backend, in the same process, on the same input. */
export interface LatencyReport {
  readonly warmup: number;
  readonly runs: number;
  readonly original: LatencyStats;
  readonly converted: LatencyStats;
  /** original median / converted median: above 1 when the converted model is faster. */
  readonly speedup: number;
}

/**
 * Times both models: `warmup` untimed runs of each, then `runs` timed runs,
 * alternating original and converted so that drift (clocks, thermals, other
 * load) hits both alike. A run is one `run()` call including the copy of the
 * outputs to the host, so GPU work is finished when the clock stops.
 */
export async function measureLatency(
  original: ModelSession,
  converted: ModelSession,
  feeds: { readonly original: readonly NumericTensor[]; readonly converted: readonly NumericTensor[] },
  counts: { readonly warmup: number; readonly runs: number },
): Promise<LatencyReport> {
  for (let i = 0; i < counts.warmup; i++) {
    await original.run(feeds.original);
    await converted.run(feeds.converted);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < counts.runs; i++) {
    a.push(await timed(() => original.run(feeds.original)));
    b.push(await timed(() => converted.run(feeds.converted)));
  }
  const o = latencyStats(a);
  const c = latencyStats(b);
  return { warmup: counts.warmup, runs: counts.runs, original: o, converted: c, speedup: o.medianMs / c.medianMs };
}

/** Median, mean, min, max, p10 and p90 of times in ms (at least one). */
export function latencyStats(times: readonly number[]): LatencyStats {
  const s = Float64Array.from(times).sort();
  const mean = s.reduce((x, y) => x + y, 0) / s.length;
  return {
    medianMs: percentile(s, 50),
    meanMs: mean,
    minMs: s[0]!,
    maxMs: s[s.length - 1]!,
    p10Ms: percentile(s, 10),
    p90Ms: percentile(s, 90),
  };
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}
