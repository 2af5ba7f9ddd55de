import {
  add,
  div,
  mul,
  real,
  seededRandom,
  sqrt,
  toFloat16,
  toFloat32,
  randomBatchNorm,
  randomFloat32,
  type Real,
} from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { fuseBlock, narrowFloat16, widenFloat16, type BatchNorm, type Block } from "../src/index.js";

/** Exact t = gamma / sqrt(var + eps) and shift = beta - mean t per channel. */
function exactAffine(bn: BatchNorm): { t: Real[]; shift: Real[] } {
  const t: Real[] = [];
  const shift: Real[] = [];
  for (let c = 0; c < bn.gamma.length; c++) {
    const tc = div(real(bn.gamma[c]!), sqrt(add(real(bn.variance[c]!), real(bn.eps))));
    t.push(tc);
    shift.push(add(real(bn.beta[c]!), -mul(real(bn.mean[c]!), tc)));
  }
  return { t, shift };
}

/** RepVGG block with kernels given by `values` (float32 or float16-representable). */
function repvggBlock(seed: number, c: number, values: (r: () => number, n: number) => Float32Array): Block {
  const r = seededRandom(seed);
  const conv = (kh: number) => ({
    kind: "conv" as const,
    kernel: { data: values(r, c * c * kh * kh), shape: [c, c, kh, kh] as const },
    bn: randomBatchNorm(r, c),
    stride: [1, 1] as const,
    pads: [kh >> 1, kh >> 1, kh >> 1, kh >> 1] as const,
    dilation: [1, 1] as const,
    groups: 1,
  });
  return { name: "p", inChannels: c, branches: [conv(3), conv(1), { kind: "identity", bn: randomBatchNorm(r, c) }] };
}

/** Exact fused weights and biases of a RepVGG block, as reals. */
function exactRepvgg(block: Block): { weights: Real[]; bias: Real[] } {
  const [b3, b1, bid] = block.branches as [
    Extract<Block["branches"][number], { kind: "conv" }>,
    Extract<Block["branches"][number], { kind: "conv" }>,
    { kind: "identity"; bn: BatchNorm },
  ];
  const a3 = exactAffine(b3.bn!);
  const a1 = exactAffine(b1.bn!);
  const aid = exactAffine(bid.bn);
  const c = block.inChannels;
  const weights: Real[] = [];
  for (let o = 0; o < c; o++)
    for (let i = 0; i < c; i++)
      for (let j = 0; j < 9; j++) {
        let v = mul(real(b3.kernel.data[(o * c + i) * 9 + j]!), a3.t[o]!);
        if (j === 4) {
          v = add(v, mul(real(b1.kernel.data[o * c + i]!), a1.t[o]!));
          if (i === o) v = add(v, aid.t[o]!);
        }
        weights.push(v);
      }
  const bias = a3.shift.map((s, o) => add(add(s, a1.shift[o]!), aid.shift[o]!));
  return { weights, bias };
}

describe("precision: one rounding from float64", () => {
  it("gives float32 fused weights equal to the correctly rounded exact values (counts the 1-ulp double roundings)", () => {
    let total = 0;
    let off = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const block = repvggBlock(seed, 24, (r, n) => randomFloat32(r, n));
      const res = fuseBlock(block);
      if (!res.ok) throw new Error(res.refusal.message);
      const exact = exactRepvgg(block);
      const got = [...Float32Array.from(res.conv.kernel.data), ...Float32Array.from(res.conv.bias)];
      const want = [...exact.weights, ...exact.bias].map(toFloat32);
      for (let i = 0; i < got.length; i++) {
        total++;
        if (got[i] !== want[i]) {
          off++;
          // Only a double rounding can differ, and then by exactly one float32 ulp.
          const ulp = 2 ** (Math.floor(Math.log2(Math.abs(want[i]!))) - 23);
          expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(ulp);
        }
      }
    }
    console.log(
      `precision float32: ${total} fused values, ${off} differ from the correctly rounded result by 1 ulp, ${total - off} exact`,
    );
    expect(total).toBe(12 * (24 * 24 * 9 + 24));
    expect(off / total).toBeLessThan(1e-4);
  });

  it("widens float16, fuses in float64, narrows once; equals the correctly rounded exact value", () => {
    let total = 0;
    let off = 0;
    const f16 = (r: () => number, n: number) =>
      Float32Array.from(randomFloat32(r, n), (v) => widenFloat16(narrowFloat16(v)));
    for (let seed = 100; seed < 112; seed++) {
      const block = repvggBlock(seed, 16, f16);
      const res = fuseBlock(block);
      if (!res.ok) throw new Error(res.refusal.message);
      const exact = exactRepvgg(block);
      const got = [...res.conv.kernel.data, ...res.conv.bias].map((v) => widenFloat16(narrowFloat16(v)));
      const want = [...exact.weights, ...exact.bias].map(toFloat16);
      for (let i = 0; i < got.length; i++) {
        total++;
        if (got[i] !== want[i]) off++;
      }
    }
    console.log(`precision float16: ${total} fused values, ${off} differ from the correctly rounded result`);
    expect(off).toBe(0);
  });
});
