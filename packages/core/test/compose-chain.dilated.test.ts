import { randomArray, seededRandom, type Tensor4 } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import type { Pads, Pair } from "../src/block/block.js";
import { type ComposedChain, composeChain, denseChain } from "../src/branch/sequential/compose-chain.js";
import { expectExact, maxDiff, runChain, runFused, type StageSpec, stages, TOL, withFills } from "./chain-fixtures.js";

// Chains whose convs are dilated (or strided before a wider conv): the fused conv keeps the common step of its
// taps as its dilation. Each is compared with the chain run conv by conv by the naive float64 reference
// (chain-fixtures.ts: within 1e-12 x max|y|), borders included.

/** The expected dilation on one axis: gcd over stages wider than 1 of (strides before) x dilation. */
function expectedDilation(specs: readonly StageSpec[], a: 0 | 1): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  let before = 1;
  let d = 0;
  for (const s of specs) {
    if (s.k[a] > 1) d = gcd(d, before * (s.dilation?.[a] ?? 1));
    before *= s.stride?.[a] ?? 1;
  }
  return d || 1;
}

/** The extent in x of the chain's receptive field on one axis, minus one: sum of (strides before) x (k - 1) d. */
function span(specs: readonly StageSpec[], a: 0 | 1): number {
  let before = 1;
  let n = 0;
  for (const s of specs) {
    n += before * (s.k[a] - 1) * (s.dilation?.[a] ?? 1);
    before *= s.stride?.[a] ?? 1;
  }
  return n;
}

describe("composeChain on dilated chains", () => {
  it("keeps a 1x3 at dilation 2 then a 1x1 as a 1x3 at dilation 2, not a 1x5", () => {
    const f = expectExact(
      3,
      [
        { o: 4, k: [1, 3], dilation: [1, 2], pads: [0, 2, 0, 2] },
        { o: 2, k: [1, 1] },
      ],
      [5, 9],
      21,
    );
    expect([f.kernel.shape, f.dilation, f.pads]).toEqual([
      [2, 3, 1, 3],
      [1, 2],
      [0, 2, 0, 2],
    ]);
  });

  it("fuses a biased 1x1 then a 3x3 at dilation 2 bordered with the 1x1's bias (a dilated DBB sequence) into a 3x3 at dilation 2", () => {
    const f = expectExact(
      3,
      [
        { o: 5, k: [1, 1] },
        { o: 4, k: [3, 3], dilation: [2, 2], pads: [2, 2, 2, 2], fill: "z" },
      ],
      [7, 8],
      22,
    );
    expect([f.kernel.shape, f.dilation, f.pads]).toEqual([
      [4, 3, 3, 3],
      [2, 2],
      [2, 2, 2, 2],
    ]);
  });

  it("fuses a 3x3 at dilation 2 then a 3x3 at dilation 4 into a 7x7 at dilation 2 (the gcd)", () => {
    const f = expectExact(
      2,
      [
        { o: 3, k: [3, 3], dilation: [2, 2], pads: [2, 2, 2, 2] },
        { o: 2, k: [3, 3], dilation: [4, 4] },
      ],
      [13, 12],
      23,
    );
    expect([f.kernel.shape, f.dilation]).toEqual([
      [2, 2, 7, 7],
      [2, 2],
    ]);
  });

  it("fuses a 3x1 then a 1x3 at dilation 3 into a 3x3 at dilations (1, 3)", () => {
    const f = expectExact(
      2,
      [
        { o: 2, k: [3, 1], pads: [1, 0, 1, 0], groups: 2, bias: false },
        { o: 2, k: [1, 3], dilation: [1, 3], pads: [0, 3, 0, 3], groups: 2, bias: false },
      ],
      [6, 10],
      24,
    );
    expect([f.kernel.shape, f.dilation, f.groups]).toEqual([[2, 1, 3, 3], [1, 3], 2]);
  });

  it("spreads a strided dilated chain into the same conv at dilation 1 (denseChain): a stride-2 1x1 then a 3x3 as a 5x5", () => {
    const specs: StageSpec[] = [
      { o: 3, k: [1, 1], stride: [2, 2] },
      { o: 2, k: [3, 3], pads: [1, 1, 1, 1], fill: "z" },
    ];
    const rand = seededRandom(26);
    const st = withFills(stages(rand, 2, specs), specs, 2);
    const lattice = composeChain(st, "chain") as ComposedChain;
    const dense = denseChain(lattice)!;
    expect([dense.kernel.shape, dense.dilation, dense.stride, dense.pads]).toEqual([
      [2, 2, 5, 5],
      [1, 1],
      [2, 2],
      lattice.pads,
    ]);
    // Every lattice tap lands at twice its index, zeros between.
    for (let p = 0; p < 4; p++)
      for (let y = 0; y < 5; y++)
        for (let x = 0; x < 5; x++) {
          const v = dense.kernel.data[(p * 5 + y) * 5 + x]!;
          expect(v).toBe(y % 2 === 0 && x % 2 === 0 ? lattice.kernel.data[(p * 3 + y / 2) * 3 + x / 2]! : 0);
        }
    const x: Tensor4 = { data: randomArray(rand, 2 * 9 * 8), shape: [1, 2, 9, 8] };
    const { diff, scale } = maxDiff(runChain(x, st), runFused(x, dense));
    expect(diff).toBeLessThanOrEqual(TOL * scale);
  });

  it("refuses (SEQUENTIAL_SHAPE) a chain wider than 127 taps on its lattice before building it, and keeps a too wide one strided (denseChain)", () => {
    const rand = seededRandom(27);
    const huge: StageSpec[] = [
      { o: 2, k: [3, 3], dilation: [2 ** 20, 1] },
      { o: 2, k: [3, 3] },
    ];
    const r = composeChain(stages(rand, 2, huge), "huge");
    expect("reason" in r && [r.reason, r.message]).toEqual([
      "SEQUENTIAL_SHAPE",
      expect.stringContaining("at most 127"),
    ]);
    // A stride-2 1x1 then a 3x3 at dilation 100: a 3x3 at dilation 200, whose dense form would be 401 wide.
    const wide: StageSpec[] = [
      { o: 2, k: [1, 1], stride: [2, 2], bias: false },
      { o: 2, k: [3, 3], dilation: [100, 100] },
    ];
    const lattice = composeChain(stages(rand, 2, wide), "wide") as ComposedChain;
    expect([lattice.kernel.shape, lattice.dilation]).toEqual([
      [2, 2, 3, 3],
      [200, 200],
    ]);
    expect(denseChain(lattice)).toBeUndefined();
  });

  it("equals the chain and keeps the common tap step as its dilation on random dilated, strided chains (300 chains of 2-3 convs)", () => {
    const rand = seededRandom(25);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    let fused = 0;
    let sparser = 0; // fused convs at a dilation above 1 on some axis
    for (let n = 0; n < 300; n++) {
      const c = pick([1, 2, 4]);
      const specs: StageSpec[] = [];
      let cin = c;
      for (let i = 0, len = pick([2, 3]); i < len; i++) {
        const k: Pair = [pick([1, 2, 3]), pick([1, 3])];
        const dilation: Pair = [pick([1, 2, 3, 4]), pick([1, 2, 4])];
        // Pads only in front of the first conv, or a bias-bordered frame after a stage wide 1 (ECBSR, DBB).
        const first = i === 0;
        const p = (a: 0 | 1): number => (first || specs[i - 1]!.k[a] === 1 ? pick([0, (k[a] - 1) * dilation[a]]) : 0);
        const [ph, pw] = [p(0), p(1)];
        const o = pick([2, 4]);
        specs.push({
          o,
          k,
          dilation,
          stride: [pick([1, 1, 2]), pick([1, 1, 2])],
          groups: cin % 2 === 0 ? pick([1, 2]) : 1,
          pads: [ph, pw, ph, pw] as Pads,
          bias: rand() < 0.5,
          fill: first ? "zero" : "z",
        });
        cin = o;
      }
      const st = withFills(stages(rand, c, specs), specs, c);
      const size: Pair = [pick([9, 10, 13]), pick([9, 12])];
      const r = composeChain(st, "random", size);
      if ("reason" in r) {
        // Only the border proof (a frame that reaches over x's edge at strides > 1) or the output size
        // (no end pad gives the chain's at these strides) can fail here.
        expect(["SEQUENTIAL_BORDER", "PADS_MISALIGNED"]).toContain(r.reason);
        continue;
      }
      const dil: Pair = [expectedDilation(specs, 0), expectedDilation(specs, 1)];
      expect(r.dilation).toEqual(dil);
      expect([(r.kernel.shape[2] - 1) * dil[0], (r.kernel.shape[3] - 1) * dil[1]]).toEqual([
        span(specs, 0),
        span(specs, 1),
      ]);
      const x: Tensor4 = { data: randomArray(rand, c * size[0] * size[1]), shape: [1, c, size[0], size[1]] };
      const { diff, scale } = maxDiff(runChain(x, st), runFused(x, r));
      expect(diff).toBeLessThanOrEqual(TOL * Math.max(scale, 1));
      fused++;
      if (dil[0] > 1 || dil[1] > 1) sparser++;
    }
    expect(fused).toBeGreaterThan(150);
    expect(sparser).toBeGreaterThan(50);
  });
});
