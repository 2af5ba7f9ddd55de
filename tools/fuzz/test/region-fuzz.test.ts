import { describe, expect, it } from "vitest";
import { regionLine } from "../src/region/format-regions.js";
import { fuzzRegions } from "../src/region/fuzz-regions.js";

// CI size: 1,000 random regions (seeds 0..999) through the ONNX adapter, original
// and converted on onnxruntime-node against the float64 reference within the
// region bound. `FUZZ_REGIONS=20000 pnpm fuzz:blocks regions` is the long run.
const REGIONS = 1000;

describe("random linear regions", () => {
  it(`converts ${REGIONS} seeded random regions within the bound and collapses every class the engine handles`, async () => {
    const s = await fuzzRegions({ seed: 0, regions: REGIONS });
    expect(s.generatorErrors).toEqual([]);
    expect(s.mismatches.map(regionLine)).toEqual([]);
    // Regions of no segment kind or tag in NOT_YET_COLLAPSED end with the ideal Conv/Gemm count (and, exact ones, nothing else linear).
    expect(s.uncollapsed.map(regionLine)).toEqual([]);
    expect(s.total.regions).toBe(REGIONS);
    expect(s.total.expected).toBeGreaterThanOrEqual(0.95 * REGIONS);
    // The sample holds every kind of region: exact ones, cuts by a non-linearity and by a zero pad that is not border-exact,
    // sums, sequences through a border-exact frame, Linears on [N, C].
    const classes = [...s.byClass.keys()];
    for (const prefix of ["exact/sum", "exact/seq-frame", "exact/linear", "cut-act/", "cut-pad/"])
      expect(classes.some((k) => k.startsWith(prefix))).toBe(true);
    // Every region the engine already handles, seen in the sample, collapsed: conv+BN, sums, DBB branches, BN+Linear.
    for (const k of ["exact/conv", "exact/sum", "exact/sum-seq", "exact/linear"])
      expect(s.byClass.get(k)?.expectedCollapsed ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
