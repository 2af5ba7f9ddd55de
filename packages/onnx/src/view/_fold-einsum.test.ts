import { maxAbs, maxAbsDiff, randomFloat32, seededRandom } from "@reparam/test-utils";
import { describe, expect, it } from "vitest";
import { type FoldCase, expectFold, folded, i64, ortValue } from "../../test/_fold-graph.js";
import { stringAttr } from "../codec/attribute-value.js";
import type { InitializerSpec } from "../codec/build-model.js";
import { einsumTerms } from "./_fold-einsum.js";

// Products of constants: the folded value must be the float64 result rounded
// once (checked exactly against naive loops in float64), and onnxruntime's
// float32 evaluation must agree within float32 accumulation (1e-6 relative).

const rand = seededRandom(23);
const init = (name: string, dims: number[]): InitializerSpec => ({
  name,
  dims,
  data: randomFloat32(
    rand,
    dims.reduce((a, b) => a * b, 1),
  ),
});
const einsum = (equation: string, ...ins: InitializerSpec[]): FoldCase => ({
  nodes: [{ op: "Einsum", inputs: ins.map((i) => i.name), outputs: ["y"], attrs: { equation: stringAttr(equation) } }],
  initializers: ins,
});
const at = (t: InitializerSpec, ...idx: number[]) => {
  let f = 0;
  for (const [a, i] of idx.entries()) f = f * t.dims[a]! + i;
  return (t.data as Float32Array)[f]!;
};

/** Expects the fold to be fround(naive float64) exactly, and onnxruntime within 1e-6 of it. */
async function expectProduct(c: FoldCase, dims: number[], naive: number[]): Promise<void> {
  const k = folded(c)!;
  expect(k.dims).toEqual(dims);
  expect([...k.read().values]).toEqual(naive.map(Math.fround));
  expect([...(await k.readFloats())]).toEqual(naive);
  const o = await ortValue(c);
  expect(o.dims).toEqual(dims);
  expect(maxAbsDiff(o.values as number[], naive)).toBeLessThanOrEqual(1e-6 * maxAbs(naive));
}

describe("constant folding of Einsum (the OREPA subscripts)", () => {
  const [O, I, T, H, W] = [4, 3, 2, 3, 3];

  it("scales per output channel: oihw,o->oihw", async () => {
    const w = init("w", [O, I, H, W]);
    const v = init("v", [O]);
    const want: number[] = [];
    for (let o = 0; o < O; o++)
      for (let r = 0; r < I * H * W; r++) want.push((w.data as Float32Array)[o * I * H * W + r]! * at(v, o));
    await expectProduct(einsum("oihw,o->oihw", w, v), [O, I, H, W], want);
  });

  it("spreads a 1x1 kernel over an average: oi,hw->oihw; and over a per-channel prior: oi,ohw->oihw", async () => {
    const a = init("a", [O, I]);
    const avg = init("p", [H, W]);
    const prior = init("p", [O, H, W]);
    const outer: number[] = [];
    const perChannel: number[] = [];
    for (let o = 0; o < O; o++)
      for (let i = 0; i < I; i++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) {
            outer.push(at(a, o, i) * at(avg, h, w));
            perChannel.push(at(a, o, i) * at(prior, o, h, w));
          }
    await expectProduct(einsum("oi,hw->oihw", a, avg), [O, I, H, W], outer);
    await expectProduct(einsum("oi,ohw->oihw", a, prior), [O, I, H, W], perChannel);
  });

  it("composes a 1x1 and a kxk kernel: ti,othw->oihw (sums over t)", async () => {
    const first = init("a", [T, I]);
    const second = init("b", [O, T, H, W]);
    const want: number[] = [];
    for (let o = 0; o < O; o++)
      for (let i = 0; i < I; i++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) {
            let s = 0;
            for (let t = 0; t < T; t++) s += at(first, t, i) * at(second, o, t, h, w);
            want.push(s);
          }
    await expectProduct(einsum("ti,othw->oihw", first, second), [O, I, H, W], want);
  });

  it("composes grouped depthwise and pointwise kernels: cgtihw,ocgt->cogihw", async () => {
    const [C, G, Tt, Ii] = [2, 2, 2, 1];
    const dw = init("a", [C, G, Tt, Ii, H, W]);
    const pw = init("b", [O, C, G, Tt]);
    const want: number[] = [];
    for (let c = 0; c < C; c++)
      for (let o = 0; o < O; o++)
        for (let g = 0; g < G; g++)
          for (let i = 0; i < Ii; i++)
            for (let h = 0; h < H; h++)
              for (let w = 0; w < W; w++) {
                let s = 0;
                for (let t = 0; t < Tt; t++) s += at(dw, c, g, t, i, h, w) * at(pw, o, c, g, t);
                want.push(s);
              }
    await expectProduct(einsum("cgtihw,ocgt->cogihw", dw, pw), [C, O, G, Ii, H, W], want);
  });

  it("reads an implicit output (letters seen once, in alphabetical order) and a diagonal", async () => {
    const a: InitializerSpec = { name: "a", dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) };
    const b: InitializerSpec = { name: "b", dims: [2, 2], data: Float32Array.of(5, 6, 7, 8) };
    await expectFold(einsum("kj,ik", a, b), [2, 2], [23, 34, 31, 46]); // y[i][j] = sum_k a[k][j] b[i][k]
    await expectFold(einsum("ii->i", a), [2], [1, 4]);
  });

  it("refuses ellipses, mismatched extents, and more than 2^28 multiply-adds", () => {
    expect(einsumTerms("...ij,jk->...ik", 2)).toBeUndefined();
    expect(folded(einsum("ij,jk->ik", init("a", [2, 3]), init("b", [2, 2])))).toBeUndefined();
    const huge: FoldCase = {
      nodes: [
        { op: "Expand", inputs: ["one", "s"], outputs: ["m"] },
        { op: "Einsum", inputs: ["m", "m"], outputs: ["y"], attrs: { equation: stringAttr("ij,jk->ik") } },
      ],
      initializers: [
        { name: "one", dims: [], data: Float32Array.of(1) },
        { name: "s", dims: [2], data: i64(1024, 1024) },
      ],
    };
    const operand = folded({ ...huge, nodes: [{ ...huge.nodes[0]!, outputs: ["y"] }] });
    expect(operand?.dims).toEqual([1024, 1024]); // each operand folds (2^20 elements)
    expect(folded(huge)).toBeUndefined(); // their product is 2^30 multiply-adds
  });
});

describe("constant folding of MatMul", () => {
  const matmul = (a: InitializerSpec, b: InitializerSpec): FoldCase => ({
    nodes: [{ op: "MatMul", inputs: ["a", "b"], outputs: ["y"] }],
    initializers: [a, b],
  });
  const naive = (a: InitializerSpec, b: InitializerSpec, m: number, k: number, n: number, offA = 0, offB = 0) => {
    const out: number[] = [];
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < k; t++)
          s += (a.data as Float32Array)[offA + i * k + t]! * (b.data as Float32Array)[offB + t * n + j]!;
        out.push(s);
      }
    return out;
  };

  it("multiplies matrices and promotes 1-D operands", async () => {
    const a = init("a", [2, 3]);
    const b = init("b", [3, 4]);
    await expectProduct(matmul(a, b), [2, 4], naive(a, b, 2, 3, 4));
    const v = { ...init("a", [3]) };
    await expectProduct(matmul(v, b), [4], naive(v, b, 1, 3, 4));
  });

  it("broadcasts batch dims", async () => {
    const a = init("a", [2, 1, 2, 3]);
    const b = init("b", [3, 3, 2]);
    const want: number[] = [];
    for (let p = 0; p < 2; p++) for (let q = 0; q < 3; q++) want.push(...naive(a, b, 2, 3, 2, p * 6, q * 6));
    await expectProduct(matmul(a, b), [2, 3, 2, 2], want);
  });
});
