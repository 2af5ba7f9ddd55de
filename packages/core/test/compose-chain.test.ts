import { padTensor, randomArray, seededRandom, type Tensor4 } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import type { Pads, Pair } from "../src/block/block.js";
import { type ComposedChain, composeChain } from "../src/branch/sequential/compose-chain.js";
import {
  expectExact,
  maxDiff,
  runChain,
  runFused,
  type StageSpec,
  stages,
  TOL,
  withFills,
  zeroResponses,
} from "./chain-fixtures.js";

describe("composeChain", () => {
  it("fuses a biased 1x1 then a 3x3 whose border holds the 1x1's bias (ECBSR, DBB's BNAndPad) exactly", () => {
    const f = expectExact(
      3,
      [
        { o: 5, k: [1, 1] },
        { o: 4, k: [3, 3], pads: [1, 1, 1, 1], fill: "z" },
      ],
      [6, 7],
      1,
    );
    expect(f.pads).toEqual([1, 1, 1, 1]);
    expect(f.kernel.shape).toEqual([4, 3, 3, 3]);
  });

  it("fuses SPAN's Conv3XC, x padded then 1x1 -> 3x3 (pad 0) -> 1x1, all biased, into one 3x3 with pad 1", () => {
    const specs: StageSpec[] = [
      { o: 6, k: [1, 1], pads: [1, 1, 1, 1] },
      { o: 8, k: [3, 3] },
      { o: 4, k: [1, 1] },
    ];
    const f = expectExact(3, specs, [5, 5], 2);
    expect([f.kernel.shape, f.pads]).toEqual([
      [4, 3, 3, 3],
      [1, 1, 1, 1],
    ]);
  });

  it("fuses 1x1 -> 3x3 -> 1x1 with zero borders when the inner biases are zero", () => {
    const specs: StageSpec[] = [
      { o: 6, k: [1, 1], bias: false },
      { o: 6, k: [3, 3], pads: [1, 1, 1, 1], bias: false },
      { o: 2, k: [1, 1], pads: [0, 0, 0, 0] },
    ];
    expectExact(3, specs, [4, 6], 3);
  });

  it("fuses RepNeXt's unbiased 1xk -> kx1 pairs, at stride 1 and at strides (1, 2) then (2, 1)", () => {
    const dw = { groups: 4, bias: false } as const;
    const pair = (s1: Pair, s2: Pair): StageSpec[] => [
      { o: 4, k: [1, 5], pads: [0, 2, 0, 2], stride: s1, ...dw },
      { o: 4, k: [5, 1], pads: [2, 0, 2, 0], stride: s2, ...dw },
    ];
    const f = expectExact(4, pair([1, 1], [1, 1]), [7, 6], 4);
    expect([f.kernel.shape, f.pads, f.groups]).toEqual([[4, 1, 5, 5], [2, 2, 2, 2], 4]);
    const s = expectExact(4, pair([1, 2], [2, 1]), [8, 9], 5);
    expect([s.stride, s.pads]).toEqual([
      [2, 2],
      [2, 2, 2, 2],
    ]);
  });

  it("fuses a dense 1x1 then a depthwise 3x3 with its bias border (ECBSR's Sobel branches) into a dense 3x3", () => {
    const specs: StageSpec[] = [
      { o: 4, k: [1, 1] },
      { o: 4, k: [3, 3], groups: 4, pads: [1, 1, 1, 1], fill: "z" },
    ];
    expect(expectExact(2, specs, [5, 5], 6).groups).toBe(1);
    const grouped: StageSpec[] = [
      { o: 8, k: [1, 1], groups: 2 },
      { o: 8, k: [3, 3], groups: 4, pads: [1, 1, 1, 1], fill: "z" },
    ];
    expect(expectExact(4, grouped, [5, 5], 7).groups).toBe(2);
  });

  it("fuses strided and dilated first convs followed by unpadded ones, and a stride-2 1x1 before a bias-bordered 3x3", () => {
    expectExact(
      3,
      [
        { o: 4, k: [3, 3], pads: [1, 1, 1, 1], stride: [2, 2] },
        { o: 2, k: [1, 1] },
      ],
      [7, 8],
      8,
    );
    expectExact(
      3,
      [
        { o: 4, k: [3, 3], pads: [2, 2, 2, 2], dilation: [2, 2] },
        { o: 2, k: [2, 2] },
      ],
      [7, 8],
      9,
    );
    const f = expectExact(
      2,
      [
        { o: 3, k: [1, 1], stride: [2, 2] },
        { o: 2, k: [3, 3], pads: [1, 1, 1, 1], fill: "z" },
      ],
      [8, 9],
      10,
    );
    // The 3x3's taps are 2 input pixels apart after the stride-2 1x1: a 3x3 at dilation 2, not a 5x5.
    expect([f.kernel.shape, f.dilation, f.stride]).toEqual([
      [2, 2, 3, 3],
      [2, 2],
      [2, 2],
    ]);
  });

  it("refuses (SEQUENTIAL_BORDER) zero padding after a biased 1x1, and the merge it refuses is wrong on the border", () => {
    const rand = seededRandom(11);
    const st = stages(rand, 3, [
      { o: 4, k: [1, 1] },
      { o: 2, k: [3, 3], pads: [1, 1, 1, 1] },
    ]);
    const r = composeChain(st, "refuse_span");
    expect("reason" in r && r.reason).toBe("SEQUENTIAL_BORDER");
    // The same chain with the bias border is what the fused conv computes: it differs from the zero-bordered one.
    const z = zeroResponses(st, 3);
    const exact = composeChain([st[0]!, { ...st[1]!, fill: z[0]! }], "ok") as ComposedChain;
    const x: Tensor4 = { data: randomArray(rand, 3 * 25), shape: [1, 3, 5, 5] };
    expect(maxDiff(runChain(x, st), runFused(x, exact)).diff).toBeGreaterThan(1e-3);
  });

  it("refuses (SEQUENTIAL_BORDER) a padded conv after a padded kxk conv, even with zero biases", () => {
    const st = stages(seededRandom(12), 2, [
      { o: 2, k: [3, 3], pads: [1, 1, 1, 1], bias: false },
      { o: 2, k: [3, 3], pads: [1, 1, 1, 1], bias: false },
    ]);
    const r = composeChain(st, "b");
    expect("reason" in r && [r.reason, r.message]).toEqual(["SEQUENTIAL_BORDER", expect.stringContaining("height")]);
  });

  it("refuses (SEQUENTIAL_BORDER) RepNeXt's 1x11 -> 11x1 with biases, and a non-zero padding of x", () => {
    const dw = { groups: 2 } as const;
    const st = stages(seededRandom(13), 2, [
      { o: 2, k: [1, 11], pads: [0, 5, 0, 5], ...dw },
      { o: 2, k: [11, 1], pads: [5, 0, 5, 0], ...dw },
    ]);
    expect((composeChain(st, "conv_l") as { reason?: string }).reason).toBe("SEQUENTIAL_BORDER");
    const ones = { ...st[0]!, pads: [1, 1, 1, 1] as Pads, fill: [1, 1] };
    expect((composeChain([ones, st[1]!], "x") as { reason?: string }).reason).toBe("SEQUENTIAL_BORDER");
  });

  it("equals the chain, borders included, on every random chain it fuses and differs from it on every one it refuses for its border at stride 1 (400 chains of 2-3 convs)", () => {
    const rand = seededRandom(14);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    let fused = 0;
    let refused = 0;
    for (let n = 0; n < 400; n++) {
      const c = pick([1, 2, 4]);
      const specs: StageSpec[] = [];
      let cin = c;
      for (let i = 0, len = pick([2, 3]); i < len; i++) {
        const k: Pair = [pick([1, 1, 2, 3]), pick([1, 1, 3])];
        const p = (a: number) => (rand() < 0.5 ? 0 : Math.floor((a - 1) / 2) + pick([0, 1]));
        const o = pick([2, 4]);
        specs.push({
          o,
          k,
          stride: [pick([1, 1, 2]), pick([1, 1, 2])],
          groups: cin % 2 === 0 ? pick([1, 2]) : 1,
          pads: [p(k[0]), p(k[1]), p(k[0]), p(k[1])],
          bias: rand() < 0.5,
          fill: i > 0 && rand() < 0.6 ? "z" : "zero",
        });
        cin = o;
      }
      const st = withFills(stages(rand, c, specs), specs, c);
      const size: Pair = [pick([5, 6, 7]), pick([5, 8])];
      const r = composeChain(st, "random", size);
      const x: Tensor4 = { data: randomArray(rand, c * size[0] * size[1]), shape: [1, c, size[0], size[1]] };
      if ("reason" in r) {
        expect(["SEQUENTIAL_BORDER", "SEQUENTIAL_SHAPE", "PADS_MISALIGNED"]).toContain(r.reason);
        // Only when: at stride 1, what one conv over x padded with zeros computes (the chain with no frames
        // over that x) differs from the chain on the border.
        if (r.reason === "SEQUENTIAL_BORDER" && st.every((s) => s.stride[0] === 1 && s.stride[1] === 1)) {
          const total = st.reduce<Pads>(
            (a, s) => [a[0] + s.pads[0], a[1] + s.pads[1], a[2] + s.pads[2], a[3] + s.pads[3]],
            [0, 0, 0, 0],
          );
          const virtual = runChain(
            padTensor(x, total),
            st.map((s) => ({ ...s, pads: [0, 0, 0, 0] as Pads })),
          );
          const { diff, scale } = maxDiff(runChain(x, st), virtual);
          expect(diff).toBeGreaterThan(1e-6 * scale);
          refused++;
        }
        continue;
      }
      const { diff, scale } = maxDiff(runChain(x, st), runFused(x, r));
      expect(diff).toBeLessThanOrEqual(TOL * Math.max(scale, 1));
      fused++;
    }
    expect([fused, refused]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(Math.min(fused, refused)).toBeGreaterThan(15);
  });
});
