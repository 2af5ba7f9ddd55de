import fc from "fast-check";
import { seededRandom } from "@reparam/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import {
  fuseTo,
  isReparamError,
  oihwToHwio,
  planBlock,
  type Block,
  type Branch,
  type FuseTarget,
} from "../src/index.js";
import { pairedScaler, scaleRun, vectorScaler, wasmKernelsActive } from "../src/wasm/scale-kernels.js";
import { setWasmKernels } from "../src/wasm/wasm-module.js";
import { bn, convBranch, identityBranch } from "./block-fixtures.js";
import { onAndOff } from "./wasm-on-off.js";

afterEach(() => setWasmKernels(true));

/** Values where float32 rounding has edges: zeros, subnormals, the largest, past it, non-finite. */
const EDGES = [0, -0, 1, -1, 1.4e-45, -1.4e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 1e-30, 65504, Number.NaN];

function values(r: () => number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++)
    a[i] = r() < 0.1 ? EDGES[Math.floor(r() * EDGES.length)]! : (r() - 0.5) * 2 ** (r() * 60 - 30);
  return a;
}

/** The JavaScript engine's arithmetic, value by value: f32((x t) p). */
function expectedRun(src: Float32Array, t: number, p: number): Float32Array {
  return Float32Array.from(src, (x) => x * t * p);
}

const allFinite = (a: Float32Array | Float64Array) => a.every((x) => Number.isFinite(x));
const bits = (a: Float32Array | Float64Array | Uint16Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * The first value whose bytes differ between two arrays (or where one ends),
 * -1 when none. A NaN matches any NaN: JavaScript itself gives a NaN product
 * either sign depending on the tier that runs it (interpreted or optimized),
 * so only "NaN" is a result; every other value must match bit for bit.
 */
function firstDifference(a: Float32Array | Float64Array, b: Float32Array | Float64Array) {
  const x = bits(a);
  const y = bits(b);
  const w = a.BYTES_PER_ELEMENT;
  if (a.length !== b.length) return { length: a.length, expected: b.length };
  for (let v = 0; v < a.length; v++) {
    if (Number.isNaN(a[v]) && Number.isNaN(b[v])) continue;
    for (let i = v * w; i < (v + 1) * w; i++) if (x[i] !== y[i]) return { index: v, found: a[v], expected: b[v] };
  }
  return -1;
}

describe("the WebAssembly scale kernels", () => {
  it("runs here: Node's WebAssembly has SIMD, so the fast path is what the other tests exercise", () => {
    expect(wasmKernelsActive()).toBe(true);
    setWasmKernels(false);
    expect(wasmKernelsActive()).toBe(false);
  });

  it("stores, in scaleRun, f32((x t) p) bit for bit and tells whether all came out finite, across chunk edges (200 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(0, 1, 3, 4, 5, 63, 64, 1000, 16383, 16384, 16389, 40000),
        fc.constantFrom(1, 0.5, 1.0000001, 3.7e-3, 1e30, -2.5),
        fc.constantFrom(1, 0.999, 1e10, -1),
        (s, n, t, p) => {
          const r = seededRandom(s);
          const src = values(r, n + 7);
          const out = new Float32Array(n + 11).fill(42);
          const outcome = scaleRun(src, 7, out, 3, n, t, p);
          const want = expectedRun(src.subarray(7), t, p);
          expect(firstDifference(out.subarray(3, 3 + n), want)).toBe(-1);
          expect([...out.subarray(0, 3), ...out.subarray(3 + n)]).toEqual(Array(11).fill(42));
          expect(outcome).toBe(allFinite(want) ? "finite" : "non-finite");
        },
      ),
      { numRuns: 200 },
    );
  });

  it("stores, in vectorScaler, (x t_i) p_i bit for bit (rounded once into float32, or float64 from either), p absent meaning ones, and tells finiteness (100 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 4, 7, 64, 65, 2560, 16384),
        fc.boolean(),
        fc.constantFrom("f32", "f64", "f32 -> f64"),
        (s, n, withP, mode) => {
          const r = seededRandom(s);
          const wide = mode !== "f32";
          const src =
            mode === "f64" ? Float64Array.from(values(r, 3 * n), (v) => v * (1 + 2 ** -40)) : values(r, 3 * n);
          const t = Float64Array.from({ length: n }, () => (r() < 0.05 ? (wide ? 1e300 : 1e35) : (r() - 0.5) * 4));
          const p = withP ? Float64Array.from({ length: n }, () => (r() - 0.5) * 4) : undefined;
          const Type = wide ? Float64Array : Float32Array;
          const out = new Type(3 * n);
          const run = vectorScaler(src, out, t, p);
          expect(run).toBeDefined();
          for (let k = 0; k < 3; k++) {
            const finite = run!(k * n, ((k + 1) % 3) * n);
            const exact = Array.from({ length: n }, (_, i) => src[k * n + i]! * t[i]! * (p?.[i] ?? 1));
            const want = wide ? Float64Array.from(exact) : Float32Array.from(exact);
            expect(firstDifference(out.subarray(((k + 1) % 3) * n, ((k + 1) % 3) * n + n), want)).toBe(-1);
            expect(finite).toBe(allFinite(want));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("stores, in pairedScaler, ((a ta_i) + (b tb_i)) p_i bit for bit (rounded once into float32, or float64), and tells finiteness (60 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 3, 64, 65, 2560, 16384),
        fc.boolean(),
        fc.boolean(),
        (s, n, withP, wide) => {
          const r = seededRandom(s);
          const a = values(r, 2 * n);
          const b = values(r, 2 * n);
          const ta = Float64Array.from({ length: n }, () => (r() < 0.05 ? 1e35 : (r() - 0.5) * 4));
          const tb = Float64Array.from({ length: n }, () => (r() - 0.5) * 4);
          const p = withP ? Float64Array.from({ length: n }, () => (r() - 0.5) * 4) : undefined;
          const out = wide ? new Float64Array(2 * n) : new Float32Array(2 * n);
          const run = pairedScaler(a, b, out, ta, tb, p);
          expect(run).toBeDefined();
          const finite = run!(n, 0, n);
          const exact = Array.from({ length: n }, (_, i) => (a[n + i]! * ta[i]! + b[i]! * tb[i]!) * (p?.[i] ?? 1));
          const want = wide ? Float64Array.from(exact) : Float32Array.from(exact);
          expect(firstDifference(out.subarray(n), want)).toBe(-1);
          expect(finite).toBe(allFinite(want));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("scales many consecutive runs in one call, across chunk edges, as run by run (vectorScaler and pairedScaler)", () => {
    const r = seededRandom(3);
    for (const [n, rows] of [
      [2560, 9],
      [700, 50],
      [64, 300],
    ] as const) {
      const a = values(r, n * rows);
      const b = values(r, n * rows);
      const t = Float64Array.from({ length: n }, () => (r() - 0.5) * 4);
      const t2 = Float64Array.from({ length: n }, () => (r() - 0.5) * 4);
      const p = Float64Array.from({ length: n }, () => (r() - 0.5) * 4);
      const many = new Float32Array(n * rows);
      const one = new Float32Array(n * rows);
      const scaled = vectorScaler(a, many, t, p)!;
      const finite = scaled(0, 0, rows);
      const each = vectorScaler(a, one, t, p)!;
      let eachFinite = true;
      for (let k = 0; k < rows; k++) eachFinite = each(k * n, k * n) && eachFinite;
      expect(firstDifference(many, one)).toBe(-1);
      expect([finite, eachFinite]).toEqual([allFinite(one), allFinite(one)]);
      const paired = pairedScaler(a, b, many, t, t2, p)!;
      const pairFinite = paired(0, 0, 0, rows);
      const pairedEach = pairedScaler(a, b, one, t, t2, p)!;
      for (let k = 0; k < rows; k++) pairedEach(k * n, k * n, k * n);
      expect(firstDifference(many, one)).toBe(-1);
      expect(pairFinite).toBe(allFinite(one));
      const want = Float32Array.from(
        { length: n * rows },
        (_, j) => (a[j]! * t[j % n]! + b[j]! * t2[j % n]!) * p[j % n]!,
      );
      expect(firstDifference(many, want)).toBe(-1);
    }
  });

  it("leaves the work to JavaScript for float64 arrays, when turned off, and for vectors past a chunk", () => {
    const f32 = new Float32Array(100);
    expect(scaleRun(new Float64Array(100), 0, f32, 0, 100, 2, 1)).toBe("not-run");
    expect(scaleRun(f32, 0, new Float64Array(100), 0, 100, 2, 1)).toBe("not-run");
    expect(vectorScaler(f32, f32, new Float64Array(16385), undefined)).toBeUndefined();
    expect(vectorScaler(new Float64Array(100), f32, new Float64Array(100), undefined)).toBeUndefined();
    setWasmKernels(false);
    expect(scaleRun(f32, 0, f32, 0, 100, 2, 1)).toBe("not-run");
    expect(vectorScaler(f32, f32, new Float64Array(100), undefined)).toBeUndefined();
  });
});

/**
 * Wide blocks (rows past the kernels' 64-value floor): 0 RepVGG, 1 QARepVGG
 * (post-BN), 2 ACNet, 3 conv+BN, 4 the identity before the 1x1 (sums in
 * another order at the shared position), 5 two 1x1s.
 */
function wideBlock(r: () => number, kind: number, c: number): Block {
  const branches: Branch[] = [convBranch(r, c, c, 3, 3)];
  if (kind === 0) branches.push(convBranch(r, c, c, 1, 1), identityBranch(r, c));
  if (kind === 1) branches.push(convBranch(r, c, c, 1, 1, { bn: false }), identityBranch(r, c, true));
  if (kind === 4) branches.push(identityBranch(r, c), convBranch(r, c, c, 1, 1));
  if (kind === 5) branches.push(convBranch(r, c, c, 1, 1), convBranch(r, c, c, 1, 1, { bias: true }));
  if (kind === 2)
    branches.push(convBranch(r, c, c, 3, 1, { pads: [1, 0, 1, 0] }), convBranch(r, c, c, 1, 3, { pads: [0, 1, 0, 1] }));
  return { name: "wide", inChannels: c, branches, ...(kind === 1 ? { postBn: bn(r, c) } : {}) };
}

/** The block with its conv kernels' values in HWIO order (shapes stay OIHW), as `hwio` fusion reads them. */
function toHwio(block: Block): Block {
  const branches = block.branches.map((b): Branch => {
    if (b.kind !== "conv") return b;
    const data = Float32Array.from(oihwToHwio(b.kernel.data, b.kernel.shape).data);
    return { ...b, kernel: { data, shape: b.kernel.shape } };
  });
  return { ...block, branches };
}

/** {@link toHwio} with float64 kernels that float32 cannot hold (as a dequantized model's). */
function toHwio64(block: Block): Block {
  const branches = toHwio(block).branches.map((b): Branch => {
    if (b.kind !== "conv") return b;
    const data = Float64Array.from(b.kernel.data, (v) => v * (1 + 2 ** -40));
    return { ...b, kernel: { data, shape: b.kernel.shape } };
  });
  return { ...block, branches };
}

function fuseBoth(block: Block, target: FuseTarget) {
  const planned = planBlock(block);
  if (!planned.ok) throw new Error(planned.refusal.message);
  const f32 = (f: ReturnType<typeof fuseTo>) => ({
    kernel: f.kernel as Float32Array | Float64Array,
    bias: f.bias as Float32Array | Float64Array,
  });
  return onAndOff(() => f32(fuseTo(block, planned.plan, target)));
}

describe("fuseTo with the WebAssembly kernels", () => {
  it("writes the JavaScript engine's bytes, OIHW and HWIO, every fast shape (60 runs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(8, 64, 71),
        (s, kind, c) => {
          const block = wideBlock(seededRandom(s), kind, c);
          const oihw = fuseBoth(block, { dtype: "f32" });
          expect(firstDifference(oihw.fast.kernel, oihw.js.kernel)).toBe(-1);
          expect(firstDifference(oihw.fast.bias, oihw.js.bias)).toBe(-1);
          if (kind === 2) return; // ACNet is not HWIO-fusable
          const hwio = fuseBoth(toHwio(block), { dtype: "f32", hwio: true });
          expect(firstDifference(hwio.fast.kernel, hwio.js.kernel)).toBe(-1);
          expect(firstDifference(hwio.fast.bias, hwio.js.bias)).toBe(-1);
          // Fused in float64 (to be re-quantized, as for a quantized TF.js model), from float32 and from float64 kernels.
          for (const b of [toHwio(block), toHwio64(block)]) {
            const hwio64 = fuseBoth(b, { dtype: "f64", hwio: true });
            expect(firstDifference(hwio64.fast.kernel, hwio64.js.kernel)).toBe(-1);
            expect(firstDifference(hwio64.fast.bias, hwio64.js.bias)).toBe(-1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("stops a fused weight that overflows float32 (CORE_NON_FINITE at its channel), OIHW and HWIO, off and on the shared tap", () => {
    // Channel 5: finite in float32, past float32's range once the BN scale (gamma 1e3) applies; at
    // input 1 tap (0, 1), then at input 2 the centre tap, which the 1x1 and the identity share.
    for (const at of [5 * 64 * 9 + 10, 5 * 64 * 9 + 2 * 9 + 4]) {
      const block = wideBlock(seededRandom(7), 0, 64);
      const lead = block.branches[0] as Extract<Branch, { kind: "conv" }>;
      (lead.kernel.data as Float32Array)[at] = 3e38;
      (lead.bn!.gamma as Float32Array)[5] = 1e3;
      for (const [b, target] of [
        [block, { dtype: "f32" }],
        [toHwio(block), { dtype: "f32", hwio: true }],
      ] as const) {
        const planned = planBlock(b);
        if (!planned.ok) throw new Error(planned.refusal.message);
        let caught: unknown;
        try {
          fuseTo(b, planned.plan, target);
        } catch (e) {
          caught = e;
        }
        expect(isReparamError(caught) && caught.code).toBe("CORE_NON_FINITE");
        expect((caught as Error).message + JSON.stringify(caught)).toContain("output channel 5");
      }
    }
  });
});
