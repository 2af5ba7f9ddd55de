import fc from "fast-check";
import { randomBatchNorm, randomFloat32, seededRandom } from "@reparam/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import {
  avgPoolKernel,
  fuseTo,
  planBlock,
  setWasmKernels,
  wasmKernelsActive,
  type Block,
  type Branch,
  type FuseTarget,
  type Pads,
} from "../src/index.js";
import { SequentialAccumulator } from "../src/branch/sequential/sequential-accumulator.js";
import { composeHeap } from "../src/wasm/compose-kernels.js";
import { bn, convBranch } from "./block-fixtures.js";

afterEach(() => {
  setWasmKernels(true);
  composeHeap(64 << 20);
});

const bits = (a: Float32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * The first index whose bytes differ, -1 when none. A NaN matches any NaN:
 * JavaScript itself gives a NaN either sign depending on the tier that runs
 * it, so only "NaN" is a result; every other value must match bit for bit.
 */
function firstDifference(a: Float64Array, b: Float64Array): number {
  const x = new BigInt64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigInt64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (x[i] !== y[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  return a.length === b.length ? -1 : a.length;
}

/** The fused kernel and bias with the WebAssembly kernels on, then off (the JavaScript loops). */
function fuseBoth(block: Block, target: FuseTarget) {
  const planned = planBlock(block);
  if (!planned.ok) throw new Error(planned.refusal.message);
  const before = composeHeap().bytes + composeHeap().drops;
  const wasm = fuseTo(block, planned.plan, target);
  const used = composeHeap().bytes + composeHeap().drops !== before;
  setWasmKernels(false);
  const js = fuseTo(block, planned.plan, target);
  setWasmKernels(true);
  return { wasm, js, used };
}

/** DBB's 1x1 (M x C/g) -> kxk (O x M/g), padded with what the 1x1 gives for zeros; K2 given or random. */
function sequential(
  r: () => number,
  o: number,
  c: number,
  m: number,
  g: number,
  size: readonly [number, number],
  opts: { pads: Pads; dilation?: readonly [number, number]; second?: Float32Array | Float64Array; bn?: boolean },
): Branch {
  const withBn = opts.bn ?? true;
  return {
    kind: "sequential",
    first: {
      kernel: { data: randomFloat32(r, m * (c / g)), shape: [m, c / g, 1, 1] },
      bias: randomFloat32(r, m),
      ...(withBn ? { bn: randomBatchNorm(r, m) } : {}),
    },
    second: {
      kernel: { data: opts.second ?? randomFloat32(r, o * (m / g) * size[0] * size[1]), shape: [o, m / g, ...size] },
      ...(withBn ? { bn: randomBatchNorm(r, o) } : {}),
    },
    stride: [1, 1],
    pads: opts.pads,
    dilation: opts.dilation ?? [1, 1],
    groups: g,
    padding: "first-output",
  };
}

/** Begin / end pads that keep the output size of a stride-1 branch of extent e per axis. */
const samePads = (eh: number, ew: number): Pads => [(eh - 1) >> 1, (ew - 1) >> 1, eh >> 1, ew >> 1];

describe("DBB's 1x1 -> kxk composition in WebAssembly", () => {
  it("runs here (Node's WebAssembly has SIMD: the other tests exercise the module)", () => {
    expect(wasmKernelsActive()).toBe(true);
  });

  // Input channels per group that leave 1-3 after tiles of 4, positions that leave 1-2 after tiles of 3.
  it.each([
    [1, 1, 1, 1, 1],
    [3, 2, 3, 3, 1],
    [5, 7, 3, 3, 1],
    [8, 13, 1, 2, 1],
    [6, 5, 2, 2, 2],
    [13, 4, 5, 5, 1],
    [12, 9, 1, 5, 3],
    [7, 16, 3, 1, 1],
  ])(
    "gives, for C=%d, M=%d, a %dx%d kernel and %d groups, the naive float64 sum over m ascending, bit for bit",
    (cPer, mPer, kh, kw, g) => {
      const r = seededRandom(cPer * 1000 + mPer * 10 + kh);
      const c = cPer * g;
      const m = mPer * g;
      const o = 2 * g;
      const seq = sequential(r, o, c, m, g, [kh, kw], { pads: samePads(kh, kw), bn: false });
      if (seq.kind !== "sequential") throw new Error("unreachable");
      const { wasm, used } = fuseBoth({ name: "b", inChannels: c, branches: [seq] }, { dtype: "f64" });
      expect(used).toBe(true);
      const k1 = seq.first.kernel.data;
      const k2 = seq.second.kernel.data;
      const hw = kh * kw;
      const naive = new Float64Array(o * cPer * hw);
      for (let oc = 0; oc < o; oc++) {
        const gi = Math.floor(oc / (o / g));
        for (let ci = 0; ci < cPer; ci++)
          for (let j = 0; j < hw; j++) {
            let acc = 0;
            for (let mi = 0; mi < mPer; mi++) acc += k2[(oc * mPer + mi) * hw + j]! * k1[(gi * mPer + mi) * cPer + ci]!;
            naive[(oc * cPer + ci) * hw + j] = acc;
          }
      }
      expect(bits(wasm.kernel as Float64Array)).toEqual(bits(naive));
    },
  );

  it("writes the JavaScript engine's bytes, float64 and float32: dense and grouped (in a grouped or dense block), kernels 1-5 placed in a 5x5 or dilated, internal channels skipped, an avg-pool branch (150 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 2, 3),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 13 }),
        fc.constantFrom(1, 2, 3, 5),
        fc.constantFrom(1, 2, 3, 5),
        fc.constantFrom("plain", "dilated", "pool", "post-bn", "dense-lead"),
        (s, g, cPer, mPer, kh, kw, extra) => {
          const r = seededRandom(s);
          const c = g * cPer;
          const o = g * (1 + (s % 5));
          const m = g * mPer;
          const dilated = extra === "dilated";
          const size: [number, number] = dilated ? [3, 3] : [kh, kw];
          // Some internal channels' kxk weights all zero for an output channel (skipped), some rows all zero.
          const k2 = randomFloat32(r, o * mPer * size[0] * size[1]);
          const hw = size[0] * size[1];
          // Channel 0 keeps its first m, so the kernel has work.
          for (let oc = 0; oc < o; oc++) {
            const all = oc > 0 && r() < 0.1;
            for (let mi = oc === 0 ? 1 : 0; mi < mPer; mi++)
              if (all || r() < 0.3) k2.fill(0, (oc * mPer + mi) * hw, (oc * mPer + mi + 1) * hw);
          }
          const branches: Branch[] = [
            // A dense lead makes the block dense: a grouped branch then fills its group's slot of each row.
            convBranch(r, o, c, 5, 5, { groups: extra === "dense-lead" ? 1 : g }),
            sequential(r, o, c, m, g, size, {
              pads: dilated ? [2, 2, 2, 2] : samePads(kh, kw),
              ...(dilated ? { dilation: [2, 2] as const } : {}),
              second: k2,
            }),
          ];
          if (extra === "pool")
            branches.push(
              sequential(r, o, c, o, g, [3, 3], { pads: [1, 1, 1, 1], second: avgPoolKernel(o, g, 3, 3).data }),
            );
          const block: Block = {
            name: "dbb",
            inChannels: c,
            branches,
            ...(extra === "post-bn" ? { postBn: bn(r, o) } : {}),
          };
          for (const dtype of ["f64", "f32"] as const) {
            const { wasm, js, used } = fuseBoth(block, { dtype });
            expect(used).toBe(true);
            expect(bits(wasm.kernel as Float32Array)).toEqual(bits(js.kernel as Float32Array));
            expect(bits(wasm.bias as Float32Array)).toEqual(bits(js.bias as Float32Array));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("matches the JavaScript loops row by row on zeros of both signs, overflow in K1 and b1, infinities and NaN in K2 and the row (100 runs)", () => {
    // The 1x1 must be finite (folding refuses it otherwise); its products can still overflow.
    const finite = [0, -0, 3e38, -3e38, 1.4e-45];
    const any = [...finite, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e308, -5e-324];
    const sprinkle = (r: () => number, a: Float32Array | Float64Array, specials: readonly number[]) => {
      for (let i = 0; i < a.length; i++) if (r() < 0.05) a[i] = specials[Math.floor(r() * specials.length)]!;
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(1, 2), (s, g) => {
        const r = seededRandom(s);
        const c = 6 * g;
        const seq = sequential(r, 4 * g, c, 5 * g, g, [3, 3], { pads: [1, 1, 1, 1], bn: false });
        if (seq.kind !== "sequential") throw new Error("unreachable");
        sprinkle(r, seq.first.kernel.data, finite);
        sprinkle(r, seq.first.bias as Float32Array, finite);
        const k2 = seq.second.kernel.data;
        sprinkle(r, k2, any);
        for (let i = 0; i < k2.length; i += 9) if (r() < 0.3) k2.fill(r() < 0.5 ? 0 : -0, i, i + 9);
        const block: Block = {
          name: "b",
          inChannels: c,
          branches: [convBranch(r, 4 * g, c, 5, 5, { groups: g }), seq],
        };
        const planned = planBlock(block);
        if (!planned.ok) throw new Error(planned.refusal.message);
        const accumulator = () => new SequentialAccumulator(seq, planned.plan.placements[1]!, planned.plan, "b", 0);
        const wasm = accumulator();
        setWasmKernels(false);
        const js = accumulator();
        setWasmKernels(true);
        const start = Float64Array.from({ length: (c / g) * 25 }, () => (r() < 0.2 ? -0 : r() - 0.5));
        sprinkle(r, start, any);
        for (let oc = 0; oc < 4 * g; oc++) {
          const a = start.slice();
          const b = start.slice();
          const biasA = wasm.add(oc, a);
          const biasB = js.add(oc, b);
          expect(firstDifference(a, b)).toBe(-1);
          expect(firstDifference(Float64Array.of(biasA), Float64Array.of(biasB))).toBe(-1);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("loads a branch's K1 again after another branch's pushed it out, with the same bytes", () => {
    const r = seededRandom(11);
    const c = 10;
    const branches: Branch[] = [
      convBranch(r, 8, c, 3, 3),
      sequential(r, 8, c, 6, 1, [3, 3], { pads: [1, 1, 1, 1] }),
      sequential(r, 8, c, 9, 1, [3, 3], { pads: [1, 1, 1, 1] }),
    ];
    const block: Block = { name: "two", inChannels: c, branches };
    // Room for one K1 only (6 x 10 or 9 x 10 float64): each branch pushes the other's out, every output channel.
    composeHeap(9 * c * 8 + 64);
    const drops = composeHeap().drops;
    const { wasm, js } = fuseBoth(block, { dtype: "f64" });
    expect(composeHeap().drops - drops).toBeGreaterThanOrEqual(15);
    expect(bits(wasm.kernel as Float64Array)).toEqual(bits(js.kernel as Float64Array));
    expect(bits(wasm.bias as Float64Array)).toEqual(bits(js.bias as Float64Array));
  });

  it("leaves the sums to JavaScript when the kernels are turned off", () => {
    const r = seededRandom(5);
    const block: Block = {
      name: "off",
      inChannels: 4,
      branches: [sequential(r, 4, 4, 4, 1, [3, 3], { pads: [1, 1, 1, 1] })],
    };
    const planned = planBlock(block);
    if (!planned.ok) throw new Error(planned.refusal.message);
    setWasmKernels(false);
    const before = composeHeap();
    fuseTo(block, planned.plan, { dtype: "f64" });
    expect(composeHeap()).toEqual(before);
  });
});
