import { type RegionResult, checkRegion } from "./check-region.js";
import { generateRegion } from "./generate-region.js";
import type { RegionSpec } from "./region-spec.js";

/**
 * Segment kinds and tags (see `regionTags`) the converter does not collapse
 * yet: regions holding one are run and counted (and must still convert
 * within the bound), but their collapse is not asserted. Add a kind here
 * only with the reason it is not collapsed.
 *
 * Empty: every kind collapses (sums, sequences through zero or constant frames, pools through frames,
 * Linears and their chains, pre-affines, mixed dilations, blocks of blocks by matchBlocks' rounds), converted
 * with `chains: 'all'` (see checkRegion).
 */
export const NOT_YET_COLLAPSED: readonly string[] = [];

/** True when the converter is expected to collapse `spec` to its ideal today: no segment kind or tag of it is in {@link NOT_YET_COLLAPSED}. */
export function expectsCollapse(spec: RegionSpec, notYet: readonly string[] = NOT_YET_COLLAPSED): boolean {
  return !spec.segments.some((k) => notYet.includes(k)) && !spec.tags.some((t) => notYet.includes(t));
}

/** Counts of one class (or tag, or all). */
export interface RegionCounts {
  regions: number;
  collapsed: number;
  /** Regions {@link expectsCollapse} holds for, and how many of those collapsed. */
  expected: number;
  expectedCollapsed: number;
  /** Conv / Gemm / MatMul nodes: in the originals, after conversion, ideal. */
  before: number;
  after: number;
  ideal: number;
  mismatches: number;
  /** Refusals by reason. */
  refused: Map<string, number>;
  /** Largest |y - R| / bound of the originals and the converted models. */
  worst: { original: number; converted: number };
}

/** What {@link fuzzRegions} found. */
export interface RegionSummary {
  readonly total: RegionCounts;
  readonly byClass: Map<string, RegionCounts>;
  readonly byTag: Map<string, RegionCounts>;
  readonly mismatches: RegionResult[];
  /** Regions expected to collapse that did not. */
  readonly uncollapsed: RegionResult[];
  /** Seeds whose region the generator could not build, with why (counted as mismatches: a generator bug). */
  readonly generatorErrors: { readonly seed: number; readonly message: string }[];
}

/** Options of {@link fuzzRegions}: region i has seed `seed + i`. */
export interface RegionFuzzOptions {
  readonly seed: number;
  readonly regions: number;
  readonly onRegion?: (r: RegionResult, i: number) => void;
}

function emptyCounts(): RegionCounts {
  const worst = { original: 0, converted: 0 };
  return {
    regions: 0,
    collapsed: 0,
    expected: 0,
    expectedCollapsed: 0,
    before: 0,
    after: 0,
    ideal: 0,
    mismatches: 0,
    refused: new Map(),
    worst,
  };
}

function count(c: RegionCounts, r: RegionResult, expected: boolean): void {
  c.regions++;
  if (r.collapsed) c.collapsed++;
  if (expected) c.expected++;
  if (expected && r.collapsed) c.expectedCollapsed++;
  c.before += r.before;
  c.after += r.after;
  c.ideal += r.spec.ideal;
  if (r.mismatch !== undefined) c.mismatches++;
  for (const reason of r.refused) c.refused.set(reason, (c.refused.get(reason) ?? 0) + 1);
  c.worst.original = Math.max(c.worst.original, r.excess.original);
  c.worst.converted = Math.max(c.worst.converted, r.excess.converted);
}

/**
 * The region fuzzer: `regions` random regions (`generateRegion`, seeds
 * `seed`, `seed + 1` ...), each checked by `checkRegion` (ONNX, original and
 * converted on onnxruntime-node against the float64 reference within the
 * region bound), counted in total, per class and per tag. Deterministic.
 */
export async function fuzzRegions(opts: RegionFuzzOptions): Promise<RegionSummary> {
  const summary: RegionSummary = {
    total: emptyCounts(),
    byClass: new Map(),
    byTag: new Map(),
    mismatches: [],
    uncollapsed: [],
    generatorErrors: [],
  };
  const of = (m: Map<string, RegionCounts>, k: string) => m.get(k) ?? m.set(k, emptyCounts()).get(k)!;
  for (let i = 0; i < opts.regions; i++) {
    let spec: RegionSpec;
    try {
      spec = generateRegion(opts.seed + i);
    } catch (e) {
      summary.generatorErrors.push({ seed: opts.seed + i, message: e instanceof Error ? e.message : String(e) });
      summary.total.mismatches++;
      continue;
    }
    const r = await checkRegion(spec);
    const expected = expectsCollapse(spec);
    for (const c of [summary.total, of(summary.byClass, spec.klass), ...spec.tags.map((t) => of(summary.byTag, t))])
      count(c, r, expected);
    if (r.mismatch !== undefined) summary.mismatches.push(r);
    if (expected && !r.collapsed) summary.uncollapsed.push(r);
    opts.onRegion?.(r, i);
  }
  return summary;
}
